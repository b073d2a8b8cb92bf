import AWSQuery
import HTTP
import Primitives
@testable import Tagger
import XCTest

/// The one table from error to errorType, and what each error keeps underneath.
final class ErrorTypeTests: XCTestCase {
    private let denied = AWSError(code: .service("AccessDenied"), message: "no", httpStatus: 403, operation: "iam:GetRole")

    func testEveryFailureHasOneName() {
        let table: [(any Error, String)] = [
            (TaggerError.invalidEvent("detail: missing"), "InvalidEvent"),
            (TaggerError.configuration(ConfigurationError(setting: "ROLE_NAME", problem: "not set")), "InvalidConfiguration"),
            (ConfigurationError(setting: "AWS_REGION", problem: "not set"), "InvalidConfiguration"),
            (TaggerError.aws(denied), "AccessDenied"),
            (denied, "AccessDenied"),
            (TaggerError.aws(AWSError(code: .networkError, message: "reset")), "NetworkError"),
            (TaggerError.aws(AWSError(code: .deadlineExceeded, message: "late")), "DeadlineExceeded"),
            (TaggerError.aws(AWSError(code: .invalidResponse, message: "not XML")), "InvalidResponse"),
            (TaggerError.aws(AWSError(code: .serverError(status: 502), message: "HTML")), "HTTP502"),
            (TaggerError.aws(AWSError(code: .tlsError, message: "unknown CA")), "TLSError"),
            (TaggerError.aws(AWSError(code: .dryRunIgnored, message: "wrote")), "DryRunIgnored"),
            (TransportError(.other, "libcurl could not be initialised"), "Unhandled"),
        ]
        for (error, errorType) in table {
            XCTAssertEqual(ErrorType.of(error), errorType, "\(error)")
        }
    }

    func testAnAWSCodeNeverLooksLikeOneOfOurs() {
        // A service answering with the text of one of our names is still the service's code.
        let spoofed = AWSError(code: .service("DeadlineExceeded"), message: "")
        XCTAssertNotEqual(spoofed.code, .deadlineExceeded)
        XCTAssertTrue(spoofed.isService("DeadlineExceeded"))
    }

    func testAFailureKeepsWhatWentWrongAndWhere() {
        let failure = TaggerError.aws(denied).within("eu-west-1").within("account 111122223333")
        XCTAssertEqual(failure.reason, .aws(denied))
        XCTAssertEqual(failure.scope, ["account 111122223333", "eu-west-1"])
        XCTAssertEqual(failure.message, "account 111122223333: eu-west-1: iam:GetRole: AccessDenied: no (HTTP 403)")
        XCTAssertEqual(failure.kind, .aws)
    }

    func testPartialSweepFailuresNameTheFirstErrorType() {
        let first = TaggerError.aws(denied).within("account 222222222222")
        let second = TaggerError.aws(AWSError(code: .networkError, message: "reset")).within("account 333333333333")
        let failure = TaggerError(.sweepsFailed([first, second], total: 3))
        XCTAssertEqual(failure.errorType, "AccessDenied")
        XCTAssertTrue(failure.message.hasPrefix("2 of 3 sweeps failed, the others were done: account 222222222222: "), failure.message)
    }

    func testMessagesStayOnOneBoundedLine() {
        let failure = TaggerError.aws(AWSError(code: .service("X"), message: String(repeating: "line\n", count: 500)))
        XCTAssertFalse(failure.message.contains("\n"))
        XCTAssertLessThanOrEqual(failure.message.count, 1025)
    }
}
