import CurlHTTP
import Foundation
import HTTP
@testable import LambdaRuntime
import Primitives
import XCTest

final class RuntimeLoopTests: XCTestCase {
    private struct InvalidEvent: FunctionError {
        var errorType: String { "InvalidEvent" }
        var errorMessage: String { "the event has no \"detail\"" }
    }

    private struct Crash: Error {}

    private let lines = LineCollector()
    private let clock = SteppingClock(step: 0.0123)

    private func loop(_ transport: FakeRuntimeTransport) -> RuntimeLoop {
        let logger = Logger(level: .info, format: .json, clock: clock, sink: lines.append)
        return RuntimeLoop(client: RuntimeAPIClient(address: localRuntimeAPI, transport: transport), logger: logger, clock: clock)
    }

    private func records() throws -> [[String: Any]] { try lines.lines.map { try jsonObject($0) } }

    func testHappyPathPostsTheHandlersResult() throws {
        let transport = FakeRuntimeTransport([nextEvent(requestId: "req-1", payload: #"{"n":1}"#), accepted])
        var seen: [(InvocationMetadata, String)] = []
        try loop(transport).handleNextInvocation { metadata, payload in
            seen.append((metadata, String(decoding: payload, as: UTF8.self)))
            return Array(#"{"tagged":[]}"#.utf8)
        }
        XCTAssertEqual(seen.map(\.0.requestId), ["req-1"])
        XCTAssertEqual(seen.map(\.0.deadlineMs), [1_700_000_030_000])
        XCTAssertEqual(seen.map(\.1), [#"{"n":1}"#])
        XCTAssertEqual(transport.paths, [
            "GET /2018-06-01/runtime/invocation/next",
            "POST /2018-06-01/runtime/invocation/req-1/response",
        ])
        XCTAssertEqual(transport.requests[1].request.body, Array(#"{"tagged":[]}"#.utf8))
        XCTAssertNil(transport.requests[0].timeout, "GET /next must not time out")
        XCTAssertNotNil(transport.requests[1].timeout)
        let outcome = try XCTUnwrap(try records().last)
        XCTAssertEqual(outcome["message"] as? String, "invocation req-1 succeeded in 12.3 ms")
        XCTAssertEqual(outcome["requestId"] as? String, "req-1")
        XCTAssertEqual(outcome["level"] as? String, "INFO")
    }

    func testAFunctionErrorIsPostedWithItsTypeAndTheNextEventStillSucceeds() throws {
        let transport = FakeRuntimeTransport([
            nextEvent(requestId: "bad"), accepted,
            nextEvent(requestId: "good"), accepted,
        ])
        let runtime = loop(transport)
        let handler: InvocationHandler = { metadata, _ in
            if metadata.requestId == "bad" { throw InvalidEvent() }
            return Array("{}".utf8)
        }
        try runtime.handleNextInvocation(handler: handler)
        try runtime.handleNextInvocation(handler: handler)

        XCTAssertEqual(transport.paths, [
            "GET /2018-06-01/runtime/invocation/next", "POST /2018-06-01/runtime/invocation/bad/error",
            "GET /2018-06-01/runtime/invocation/next", "POST /2018-06-01/runtime/invocation/good/response",
        ])
        let error = transport.requests[1].request
        XCTAssertEqual(error.headers["Lambda-Runtime-Function-Error-Type"], "InvalidEvent")
        let body = try jsonObject(error.body)
        XCTAssertEqual(body["errorType"] as? String, "InvalidEvent")
        XCTAssertEqual(body["errorMessage"] as? String, "the event has no \"detail\"")

        let messages = try records().map { $0["message"] as? String }
        XCTAssertEqual(messages, [
            "invocation bad failed: InvalidEvent: the event has no \"detail\"",
            "invocation good succeeded in 12.3 ms",
        ])
        XCTAssertEqual(try records()[0]["errorType"] as? String, "InvalidEvent")
        XCTAssertEqual(try records()[0]["level"] as? String, "ERROR")
    }

    func testAnyOtherErrorIsReportedAsUnhandled() throws {
        let transport = FakeRuntimeTransport([nextEvent(), accepted])
        try loop(transport).handleNextInvocation { _, _ in throw Crash() }
        XCTAssertEqual(transport.requests[1].request.headers["Lambda-Runtime-Function-Error-Type"], "Unhandled")
        XCTAssertEqual(try jsonObject(transport.requests[1].request.body)["errorType"] as? String, "Unhandled")
    }

    func testAnEventWithoutRequestIdIsLoggedAndSkipped() throws {
        let transport = FakeRuntimeTransport([nextEvent(requestId: nil), nextEvent(requestId: "req-2"), accepted])
        let runtime = loop(transport)
        var handled: [String] = []
        let handler: InvocationHandler = { metadata, _ in handled.append(metadata.requestId); return [] }
        try runtime.handleNextInvocation(handler: handler)
        try runtime.handleNextInvocation(handler: handler)
        XCTAssertEqual(handled, ["req-2"])
        XCTAssertEqual(transport.paths.filter { $0.hasPrefix("POST") }, ["POST /2018-06-01/runtime/invocation/req-2/response"])
        XCTAssertTrue((try records()[0]["message"] as? String)?.contains("missingRequestId") ?? false)
    }

    func testAnEventWithoutDeadlineIsAnsweredWithAnError() throws {
        let transport = FakeRuntimeTransport([nextEvent(requestId: "req-3", deadlineMs: nil), accepted])
        var called = false
        try loop(transport).handleNextInvocation { _, _ in called = true; return [] }
        XCTAssertFalse(called)
        XCTAssertEqual(transport.paths.last, "POST /2018-06-01/runtime/invocation/req-3/error")
        XCTAssertEqual(transport.requests.last?.request.headers["Lambda-Runtime-Function-Error-Type"], "Runtime.InvalidInvocation")
    }

    func testNextIsRetriedThenSucceeds() throws {
        let transport = FakeRuntimeTransport([
            .failure(TransportError(.connectionFailed, "refused")), status(503), nextEvent(requestId: "late"), accepted,
        ])
        var handled: [String] = []
        try loop(transport).handleNextInvocation { metadata, _ in handled.append(metadata.requestId); return [] }
        XCTAssertEqual(handled, ["late"])
        XCTAssertEqual(clock.sleeps, [0.05, 0.1])
        XCTAssertEqual(try records().filter { $0["level"] as? String == "WARN" }.count, 2)
    }

    func testRunGivesUpWhenNextKeepsFailing() {
        let transport = FakeRuntimeTransport(Array(repeating: .failure(TransportError(.connectionFailed, "refused")), count: 10))
        var called = false
        XCTAssertThrowsError(try loop(transport).run { _, _ in called = true; return [] }) { error in
            XCTAssertEqual((error as? RuntimeError)?.code, .transportFailed)
        }
        XCTAssertFalse(called)
        XCTAssertEqual(transport.requests.count, 4)
        XCTAssertEqual(clock.sleeps, [0.05, 0.1, 0.2])
    }

    func testAContainerErrorOnNextStopsAtOnce() {
        let transport = FakeRuntimeTransport([status(500), nextEvent()])
        XCTAssertThrowsError(try loop(transport).run { _, _ in [] }) { error in
            XCTAssertEqual((error as? RuntimeError)?.code, .containerError)
        }
        XCTAssertEqual(transport.requests.count, 1)
    }

    func testARejectedResponseLosesOnlyThatInvocation() throws {
        let transport = FakeRuntimeTransport([nextEvent(requestId: "big"), status(413), nextEvent(requestId: "small"), accepted])
        let runtime = loop(transport)
        try runtime.handleNextInvocation { _, _ in Array(repeating: 0x20, count: 10) }
        try runtime.handleNextInvocation { _, _ in [] }
        XCTAssertEqual(transport.paths.last, "POST /2018-06-01/runtime/invocation/small/response")
        let messages = try records().compactMap { $0["message"] as? String }
        XCTAssertTrue(messages.contains { $0.hasPrefix("could not report the outcome of invocation big") }, "\(messages)")
    }

    func testAContainerErrorOnPostStopsTheLoop() {
        let transport = FakeRuntimeTransport([nextEvent(), status(500), nextEvent()])
        XCTAssertThrowsError(try loop(transport).run { _, _ in [] }) { error in
            XCTAssertEqual((error as? RuntimeError)?.code, .containerError)
        }
        XCTAssertEqual(transport.requests.count, 2)
    }

    func testTheTraceIdIsExportedForItsInvocationOnly() throws {
        let transport = FakeRuntimeTransport([nextEvent(traceId: "Root=1-abc;Sampled=1"), accepted, nextEvent(traceId: nil), accepted])
        let runtime = loop(transport)
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
        let transport = FakeRuntimeTransport([nextEvent(requestId: "req-7"), accepted])
        let logger = Logger(level: .info, format: .json, clock: clock, sink: lines.append)
        let runtime = RuntimeLoop(client: RuntimeAPIClient(address: localRuntimeAPI, transport: transport), logger: logger, clock: clock)
        try runtime.handleNextInvocation { _, _ in logger.info("inside"); return [] }
        logger.info("outside")
        let ids = try records().map { $0["requestId"] as? String }
        XCTAssertEqual(ids, ["req-7", "req-7", nil])
    }

    func testInitErrorIsPostedAndLogged() throws {
        let transport = FakeRuntimeTransport([accepted])
        try loop(transport).reportInitError(type: "Runtime.ConfigurationError", message: "ROLE_NAME: is not set")
        XCTAssertEqual(transport.paths, ["POST /2018-06-01/runtime/init/error"])
        XCTAssertEqual(transport.requests[0].request.headers["Lambda-Runtime-Function-Error-Type"], "Runtime.ConfigurationError")
        XCTAssertEqual(try jsonObject(transport.requests[0].request.body)["errorMessage"] as? String, "ROLE_NAME: is not set")
        XCTAssertEqual(try records().first?["level"] as? String, "FATAL")
    }

    func testAnInitErrorThatCannotBePostedIsThrown() {
        let transport = FakeRuntimeTransport([.failure(TransportError(.connectionFailed, "refused"))])
        XCTAssertThrowsError(try loop(transport).reportInitError(type: "T", message: "m")) { error in
            XCTAssertEqual((error as? RuntimeError)?.code, .transportFailed)
        }
    }

    func testDurationsAreMillisecondsWithOneDecimal() {
        XCTAssertEqual(RuntimeLoop.milliseconds(0.0123), "12.3")
        XCTAssertEqual(RuntimeLoop.milliseconds(0.00004), "0.0")
        XCTAssertEqual(RuntimeLoop.milliseconds(2.5), "2500.0")
    }
}
