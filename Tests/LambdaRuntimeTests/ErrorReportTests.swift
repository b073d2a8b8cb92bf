import Foundation
@testable import LambdaRuntime
import XCTest

final class ErrorReportTests: XCTestCase {
    private struct InvalidEvent: FunctionError {
        var reason: String
        var errorType: String { "InvalidEvent" }
        var errorMessage: String { "the event is not JSON: \(reason)" }
    }

    private struct Opaque: Error {}

    func testSimpleBodyIsExactlyWhatLambdaExpects() {
        let report = ErrorReport(errorType: "InvalidEvent", errorMessage: "bad")
        XCTAssertEqual(String(decoding: report.jsonBody, as: UTF8.self),
                       #"{"errorMessage":"bad","errorType":"InvalidEvent","stackTrace":[]}"#)
    }

    func testEscapesQuotesBackslashesAndControlCharacters() throws {
        let message = "say \"hi\"\\ now\nline two\r\tend\u{01}\u{08}\u{0C}\u{1F}\u{7F}"
        let report = ErrorReport(errorType: "Type\"Q", errorMessage: message)
        let text = String(decoding: report.jsonBody, as: UTF8.self)
        XCTAssertTrue(text.contains(#"say \"hi\"\\ now\nline two\r\tend\u0001\b\f\u001f"#), text)
        XCTAssertFalse(text.contains("\n"))
        let body = try jsonObject(report.jsonBody)
        XCTAssertEqual(body["errorMessage"] as? String, message)
        XCTAssertEqual(body["errorType"] as? String, "Type\"Q")
    }

    func testKeepsNonASCIIAsUTF8() throws {
        let message = "café ü 日本語 🎉 \u{2028}"
        let report = ErrorReport(errorType: "X", errorMessage: message)
        XCTAssertTrue(String(decoding: report.jsonBody, as: UTF8.self).contains("café ü 日本語 🎉"))
        XCTAssertEqual(try jsonObject(report.jsonBody)["errorMessage"] as? String, message)
    }

    func testEveryControlCharacterRoundTrips() throws {
        let message = String(String.UnicodeScalarView((0..<0x20).compactMap(Unicode.Scalar.init)))
        let body = try jsonObject(ErrorReport(errorType: "X", errorMessage: message).jsonBody)
        XCTAssertEqual(body["errorMessage"] as? String, message)
    }

    func testAFunctionErrorKeepsItsTypeAndDescription() {
        let report = ErrorReport(InvalidEvent(reason: "unexpected end"))
        XCTAssertEqual(report, ErrorReport(errorType: "InvalidEvent", errorMessage: "the event is not JSON: unexpected end"))
    }

    func testAnyOtherErrorIsUnhandled() {
        let report = ErrorReport(Opaque())
        XCTAssertEqual(report.errorType, "Unhandled")
        XCTAssertTrue(report.errorMessage.contains("Opaque"), report.errorMessage)
    }
}
