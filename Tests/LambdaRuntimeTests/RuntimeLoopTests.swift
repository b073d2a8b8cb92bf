import Foundation
@testable import LambdaRuntime
import TestSupport
import XCTest

/// The loop against a fake Runtime API: what it asks, what it posts, what it logs.
final class RuntimeLoopTests: XCTestCase {
    private struct InvalidEvent: FunctionError {
        var errorType: String { "InvalidEvent" }
        var errorMessage: String { "the event has no \"detail\"" }
    }

    private struct Crash: Error {}

    private let lines = LineCollector()
    private let clock = FakeClock(now: Date(timeIntervalSince1970: 1_700_000_000), step: 0.0123)

    private func loop(_ api: FakeRuntimeAPI) -> RuntimeLoop {
        RuntimeLoop(client: api, logger: Logger(level: .info, format: .json, clock: clock, sink: lines.append), clock: clock)
    }

    private func records() throws -> [[String: Any]] { try lines.lines.map { try jsonObject($0) } }

    private func unusable(_ code: RuntimeError.Code, requestId: String?) -> Result<Invocation, RuntimeError> {
        .failure(RuntimeError(code, "scripted \(code)", requestId: requestId))
    }

    func testHappyPathPostsTheHandlersResult() throws {
        let api = FakeRuntimeAPI([invocation("req-1", payload: #"{"n":1}"#)])
        var seen: [(InvocationMetadata, String)] = []
        try loop(api).handleNextInvocation { metadata, payload in
            seen.append((metadata, String(decoding: payload, as: UTF8.self)))
            return Array(#"{"tagged":[]}"#.utf8)
        }
        XCTAssertEqual(seen.map(\.0.requestId), ["req-1"])
        XCTAssertEqual(seen.map(\.1), [#"{"n":1}"#])
        XCTAssertEqual(api.calls, [.next, .response(requestId: "req-1", body: Array(#"{"tagged":[]}"#.utf8))])
        let outcome = try XCTUnwrap(try records().last)
        XCTAssertEqual(outcome["message"] as? String, "invocation req-1 succeeded in 12.3 ms")
        XCTAssertEqual(outcome["requestId"] as? String, "req-1")
        XCTAssertEqual(outcome["level"] as? String, "INFO")
    }

    func testAFunctionErrorIsPostedWithItsTypeAndTheNextEventStillSucceeds() throws {
        let api = FakeRuntimeAPI([invocation("bad"), invocation("good")])
        let runtime = loop(api)
        let handler: InvocationHandler = { metadata, _ in
            if metadata.requestId == "bad" { throw InvalidEvent() }
            return Array("{}".utf8)
        }
        try runtime.handleNextInvocation(handler: handler)
        try runtime.handleNextInvocation(handler: handler)
        XCTAssertEqual(api.calls, [
            .next, .error(requestId: "bad", ErrorReport(errorType: "InvalidEvent", errorMessage: "the event has no \"detail\"")),
            .next, .response(requestId: "good", body: Array("{}".utf8)),
        ])
        let messages = try records().map { $0["message"] as? String }
        XCTAssertEqual(messages, ["invocation bad failed: InvalidEvent: the event has no \"detail\"", "invocation good succeeded in 12.3 ms"])
        XCTAssertEqual(try records()[0]["errorType"] as? String, "InvalidEvent")
        XCTAssertEqual(try records()[0]["level"] as? String, "ERROR")
    }

    func testAnyOtherErrorIsReportedAsUnhandled() throws {
        let api = FakeRuntimeAPI([invocation()])
        try loop(api).handleNextInvocation { _, _ in throw Crash() }
        guard case .error(_, let report) = api.calls.last else { return XCTFail("\(api.calls)") }
        XCTAssertEqual(report.errorType, "Unhandled")
    }

    func testAnInvocationWithoutAUsableIdIsLoggedAndSkipped() throws {
        // Lambda never sends such an id, so there is nothing to answer.
        let api = FakeRuntimeAPI([unusable(.missingRequestId, requestId: nil), unusable(.invalidRequestId, requestId: nil), invocation("req-2")])
        let runtime = loop(api)
        var handled: [String] = []
        let handler: InvocationHandler = { metadata, _ in handled.append(metadata.requestId); return [] }
        for _ in 0..<3 { try runtime.handleNextInvocation(handler: handler) }
        XCTAssertEqual(handled, ["req-2"])
        XCTAssertEqual(api.calls, [.next, .next, .next, .response(requestId: "req-2", body: [])])
        let messages = try records().compactMap { $0["message"] as? String }
        XCTAssertTrue(messages[0].contains("missingRequestId") && messages[1].contains("invalidRequestId"), "\(messages)")
    }

    func testAnInvocationWithABadDeadlineIsAnsweredWithAnError() throws {
        for code in [RuntimeError.Code.missingDeadline, .invalidDeadline] {
            let api = FakeRuntimeAPI([unusable(code, requestId: "req-3")])
            var called = false
            try loop(api).handleNextInvocation { _, _ in called = true; return [] }
            XCTAssertFalse(called)
            XCTAssertEqual(api.calls.last, .error(requestId: "req-3", ErrorReport(errorType: "Runtime.InvalidInvocation", errorMessage: "scripted \(code)")))
        }
    }

    func testAnEventTooLargeToReadIsAnsweredNotDropped() throws {
        let api = FakeRuntimeAPI([unusable(.eventTooLarge, requestId: "huge"), invocation("next")])
        let runtime = loop(api)
        var handled: [String] = []
        let handler: InvocationHandler = { metadata, _ in handled.append(metadata.requestId); return [] }
        try runtime.handleNextInvocation(handler: handler)
        try runtime.handleNextInvocation(handler: handler)
        XCTAssertEqual(handled, ["next"])
        XCTAssertEqual(api.calls[1], .error(requestId: "huge", ErrorReport(errorType: "Runtime.EventTooLarge", errorMessage: "scripted eventTooLarge")))
    }

    func testNextIsRetriedThenSucceeds() throws {
        let api = FakeRuntimeAPI([unusable(.transportFailed, requestId: nil), unusable(.unexpectedStatus, requestId: nil), invocation("late")])
        var handled: [String] = []
        try loop(api).handleNextInvocation { metadata, _ in handled.append(metadata.requestId); return [] }
        XCTAssertEqual(handled, ["late"])
        XCTAssertEqual(clock.sleeps, [0.05, 0.1])
        XCTAssertEqual(try records().filter { $0["level"] as? String == "WARN" }.count, 2)
    }

    func testRunGivesUpWhenNextKeepsFailing() {
        let api = FakeRuntimeAPI(Array(repeating: unusable(.transportFailed, requestId: nil), count: 10))
        var called = false
        XCTAssertThrowsError(try loop(api).run { _, _ in called = true; return [] }) { error in
            XCTAssertEqual((error as? RuntimeError)?.code, .transportFailed)
        }
        XCTAssertFalse(called)
        XCTAssertEqual(api.calls.count, 4)
        XCTAssertEqual(clock.sleeps, [0.05, 0.1, 0.2])
    }

    func testAContainerErrorOnNextStopsAtOnce() {
        let api = FakeRuntimeAPI([unusable(.containerError, requestId: nil), invocation()])
        XCTAssertThrowsError(try loop(api).run { _, _ in [] }) { error in
            XCTAssertEqual((error as? RuntimeError)?.code, .containerError)
        }
        XCTAssertEqual(api.calls, [.next])
    }

    func testARejectedPostLosesOnlyThatInvocation() throws {
        for failure in [RuntimeError(.unexpectedStatus, "413"), RuntimeError(.transportFailed, "reset")] {
            let api = FakeRuntimeAPI([invocation("big"), invocation("small")], posts: [failure])
            let runtime = loop(api)
            try runtime.handleNextInvocation { _, _ in Array(repeating: 0x20, count: 10) }
            try runtime.handleNextInvocation { _, _ in [] }
            XCTAssertEqual(api.calls.last, .response(requestId: "small", body: []))
            let messages = try records().compactMap { $0["message"] as? String }
            XCTAssertTrue(messages.contains { $0.hasPrefix("could not report the outcome of invocation big") }, "\(messages)")
        }
    }

    func testAContainerErrorOnPostStopsTheLoop() {
        let api = FakeRuntimeAPI([invocation(), invocation()], posts: [RuntimeError(.containerError, "500")])
        XCTAssertThrowsError(try loop(api).run { _, _ in [] }) { error in
            XCTAssertEqual((error as? RuntimeError)?.code, .containerError)
        }
        XCTAssertEqual(api.calls.count, 2)
    }

    func testTheTraceIdIsExportedForItsInvocationOnly() throws {
        let api = FakeRuntimeAPI([invocation(traceId: "Root=1-abc;Sampled=1"), invocation(traceId: nil)])
        let runtime = loop(api)
        var seen: [String?] = []
        let handler: InvocationHandler = { _, _ in
            seen.append(ProcessInfo.processInfo.environment["_X_AMZN_TRACE_ID"])
            return []
        }
        try runtime.handleNextInvocation(handler: handler)
        try runtime.handleNextInvocation(handler: handler)
        XCTAssertEqual(seen, ["Root=1-abc;Sampled=1", nil])
    }

    func testTheRequestIdIsOnTheHandlersLinesOnly() throws {
        let api = FakeRuntimeAPI([invocation("req-7")])
        let logger = Logger(level: .info, format: .json, clock: clock, sink: lines.append)
        let runtime = RuntimeLoop(client: api, logger: logger, clock: clock)
        try runtime.handleNextInvocation { _, _ in logger.info("inside"); return [] }
        logger.info("outside")
        let ids = try records().map { $0["requestId"] as? String }
        XCTAssertEqual(ids, ["req-7", "req-7", nil])
    }

    func testInitErrorIsPostedAndLogged() throws {
        let api = FakeRuntimeAPI([])
        try loop(api).reportInitError(type: "InvalidConfiguration", message: "ROLE_NAME: is not set")
        XCTAssertEqual(api.calls, [.initError(ErrorReport(errorType: "InvalidConfiguration", errorMessage: "ROLE_NAME: is not set"))])
        XCTAssertEqual(try records().first?["level"] as? String, "FATAL")
    }

    func testAnInitErrorThatCannotBePostedIsThrown() {
        let api = FakeRuntimeAPI([], posts: [RuntimeError(.transportFailed, "refused")])
        XCTAssertThrowsError(try loop(api).reportInitError(type: "T", message: "m")) { error in
            XCTAssertEqual((error as? RuntimeError)?.code, .transportFailed)
        }
    }

    func testDurationsAreMillisecondsWithOneDecimal() {
        XCTAssertEqual(RuntimeLoop.milliseconds(0.0123), "12.3")
        XCTAssertEqual(RuntimeLoop.milliseconds(0.00004), "0.0")
        XCTAssertEqual(RuntimeLoop.milliseconds(2.5), "2500.0")
    }
}
