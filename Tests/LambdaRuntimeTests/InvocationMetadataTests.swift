import CurlHTTP
import Foundation
import HTTP
@testable import LambdaRuntime
import Primitives
import XCTest

final class InvocationMetadataTests: XCTestCase {
    func testReadsAllHeadersWhateverTheirCase() throws {
        let headers = HTTPHeaders([
            ("lambda-runtime-aws-request-id", "8476a536-e9f4-11e8-9739-2dfe598c3fcd"),
            ("LAMBDA-RUNTIME-DEADLINE-MS", "1542409706888"),
            ("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-2:123456789012:function:custom-runtime"),
            ("Lambda-Runtime-Trace-Id", "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1"),
        ])
        let metadata = try InvocationMetadata(headers: headers)
        XCTAssertEqual(metadata.requestId, "8476a536-e9f4-11e8-9739-2dfe598c3fcd")
        XCTAssertEqual(metadata.deadlineMs, 1_542_409_706_888)
        XCTAssertEqual(metadata.deadline, Date(timeIntervalSince1970: 1_542_409_706.888))
        XCTAssertEqual(metadata.invokedFunctionArn, "arn:aws:lambda:us-east-2:123456789012:function:custom-runtime")
        XCTAssertEqual(metadata.traceId, "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1")
    }

    func testOptionalHeadersMayBeAbsent() throws {
        let metadata = try InvocationMetadata(headers: HTTPHeaders([
            ("Lambda-Runtime-Aws-Request-Id", "r"), ("Lambda-Runtime-Deadline-Ms", "1"), ("Lambda-Runtime-Trace-Id", ""),
        ]))
        XCTAssertNil(metadata.invokedFunctionArn)
        XCTAssertNil(metadata.traceId)
    }

    func testAMissingRequestIdIsItsOwnError() {
        assertThrows(.missingRequestId, requestId: nil, [("Lambda-Runtime-Deadline-Ms", "1542409706888")])
        assertThrows(.missingRequestId, requestId: nil, [("Lambda-Runtime-Aws-Request-Id", ""), ("Lambda-Runtime-Deadline-Ms", "1")])
    }

    func testARequestIdThatIsNotPrintableIsRejected() {
        assertThrows(.invalidRequestId, requestId: nil, [("Lambda-Runtime-Aws-Request-Id", "a b"), ("Lambda-Runtime-Deadline-Ms", "1")])
        assertThrows(.invalidRequestId, requestId: nil,
                     [("Lambda-Runtime-Aws-Request-Id", String(repeating: "a", count: 257)), ("Lambda-Runtime-Deadline-Ms", "1")])
    }

    func testAMissingDeadlineKeepsTheRequestIdSoTheEventCanBeAnswered() {
        assertThrows(.missingDeadline, requestId: "req-9", [("Lambda-Runtime-Aws-Request-Id", "req-9")])
    }

    func testADeadlineMustBeWholePositiveMilliseconds() {
        for text in ["soon", "-5", "+5", "12.5", "0", "99999999999999999999", " 1"] {
            assertThrows(.invalidDeadline, requestId: "req-9",
                         [("Lambda-Runtime-Aws-Request-Id", "req-9"), ("Lambda-Runtime-Deadline-Ms", text)], "deadline '\(text)'")
        }
    }

    private func assertThrows(_ code: RuntimeError.Code, requestId: String?, _ fields: [(String, String)], _ context: String = "",
                              line: UInt = #line) {
        XCTAssertThrowsError(try InvocationMetadata(headers: HTTPHeaders(fields)), context, line: line) { error in
            XCTAssertEqual((error as? RuntimeError)?.code, code, context, line: line)
            XCTAssertEqual((error as? RuntimeError)?.requestId, requestId, context, line: line)
        }
    }

    func testTheFunctionsAccountIsReadFromItsArn() {
        func account(_ arn: String?) -> String? {
            InvocationMetadata(requestId: "r", deadlineMs: 1, invokedFunctionArn: arn).functionAccount
        }
        XCTAssertEqual(account("arn:aws:lambda:eu-west-1:999999999999:function:tagger"), "999999999999")
        XCTAssertEqual(account("arn:aws-us-gov:lambda:us-gov-west-1:999999999999:function:tagger:prod"), "999999999999")
        XCTAssertNil(account("arn:aws:lambda:eu-west-1:99999:function:tagger"))
        XCTAssertNil(account("arn:aws:s3:::999999999999"))
        XCTAssertNil(account(nil))
    }
}
