import CurlHTTP
import HTTP
@testable import LambdaRuntime
import TestSupport
import XCTest

/// The real client, over the real libcurl transport, against a loopback
/// Runtime API that behaves one way per test.
final class RuntimeAPIClientTests: XCTestCase {
    private let eventHeaders = [
        ("Lambda-Runtime-Aws-Request-Id", "8476a536-e9f4-11e8-9739-2dfe598c3fcd"),
        ("Lambda-Runtime-Deadline-Ms", "1700000030000"),
        ("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-west-1:123456789012:function:tagger"),
        ("Lambda-Runtime-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"),
        ("Content-Type", "application/json"),
    ]

    private func client(_ server: LoopbackServer, maxEventBytes: Int = RuntimeAPIClient.maxEventBytes,
                        postTimeout: Double = 10) throws -> RuntimeAPIClient {
        let transport = CurlTransport(options: .init(connectTimeout: 1, maxResponseBytes: maxEventBytes, ignoreProxyEnvironment: true))
        return RuntimeAPIClient(address: try RuntimeAPIAddress(server.address), transport: transport, postTimeout: postTimeout)
    }

    private func assertFails(_ code: RuntimeError.Code, requestId: String? = nil, file: StaticString = #filePath, line: UInt = #line,
                             _ call: () throws -> Void) {
        XCTAssertThrowsError(try call(), file: file, line: line) { error in
            XCTAssertEqual((error as? RuntimeError)?.code, code, "\(error)", file: file, line: line)
            XCTAssertEqual((error as? RuntimeError)?.requestId, requestId, file: file, line: line)
        }
    }

    func testHappyPath() throws {
        let server = try LoopbackServer([.respond(status: 200, headers: eventHeaders, body: #"{"detail-type":"Scheduled Event"}"#),
                                         .respond(status: 202, headers: [], body: #"{"status":"OK"}"#)])
        defer { server.stop() }
        let api = try client(server)
        let invocation = try api.nextInvocation()
        XCTAssertEqual(invocation.metadata, InvocationMetadata(
            requestId: "8476a536-e9f4-11e8-9739-2dfe598c3fcd", deadlineMs: 1_700_000_030_000,
            invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:tagger",
            traceId: "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"))
        XCTAssertEqual(invocation.payload, Array(#"{"detail-type":"Scheduled Event"}"#.utf8))
        try api.sendResponse(Array(#"{"tagged":[]}"#.utf8), requestId: invocation.metadata.requestId)
        let requests = server.received
        XCTAssertEqual(requests.map { "\($0.method) \($0.path)" }, [
            "GET /2018-06-01/runtime/invocation/next",
            "POST /2018-06-01/runtime/invocation/8476a536-e9f4-11e8-9739-2dfe598c3fcd/response",
        ])
        XCTAssertEqual(requests[1].body, #"{"tagged":[]}"#)
        XCTAssertEqual(server.connections, 1, "one kept-alive connection")
    }

    func testAMissingRequestIdIsNamed() throws {
        let server = try LoopbackServer([.respond(status: 200, headers: eventHeaders.filter { $0.0 != "Lambda-Runtime-Aws-Request-Id" }, body: "{}")])
        defer { server.stop() }
        let api = try client(server)
        assertFails(.missingRequestId) { _ = try api.nextInvocation() }
    }

    func testAGarbageDeadlineKeepsTheRequestIdToAnswer() throws {
        let headers = eventHeaders.map { $0.0 == "Lambda-Runtime-Deadline-Ms" ? ($0.0, "soon") : $0 }
        let server = try LoopbackServer([.respond(status: 200, headers: headers, body: "{}")])
        defer { server.stop() }
        let api = try client(server)
        assertFails(.invalidDeadline, requestId: "8476a536-e9f4-11e8-9739-2dfe598c3fcd") { _ = try api.nextInvocation() }
    }

    func testA500OnNextIsAContainerErrorAndAResetATransportFailure() throws {
        let server = try LoopbackServer([.respond(status: 500, headers: [], body: #"{"errorType":"x"}"#), .close])
        defer { server.stop() }
        let api = try client(server)
        assertFails(.containerError) { _ = try api.nextInvocation() }
        assertFails(.transportFailed) { _ = try api.nextInvocation() }
    }

    func testRejectedAndBrokenPosts() throws {
        let server = try LoopbackServer([.respond(status: 413, headers: [], body: "{}"), .respond(status: 500, headers: [], body: "{}"), .close])
        defer { server.stop() }
        let api = try client(server)
        assertFails(.unexpectedStatus, requestId: "r1") { try api.sendResponse(Array("{}".utf8), requestId: "r1") }
        assertFails(.containerError, requestId: "r2") { try api.sendResponse(Array("{}".utf8), requestId: "r2") }
        assertFails(.transportFailed) { try api.sendResponse(Array("{}".utf8), requestId: "r3") }
    }

    func testASlowPostTimesOut() throws {
        let server = try LoopbackServer([.respond(status: 202, headers: [], body: "{}", delay: 3)])
        defer { server.stop() }
        let api = try client(server, postTimeout: 0.3)
        XCTAssertThrowsError(try api.sendError(ErrorReport(errorType: "T", errorMessage: "m"), requestId: "r1")) { error in
            XCTAssertEqual((error as? RuntimeError)?.code, .transportFailed)
            XCTAssertEqual((error as? RuntimeError)?.underlying?.kind, .timedOut)
        }
    }

    func testTheAPIVanishing() throws {
        let server = try LoopbackServer([])
        let api = try client(server)
        server.stop()
        assertFails(.transportFailed) { _ = try api.nextInvocation() }
        assertFails(.transportFailed) { try api.sendInitError(ErrorReport(errorType: "T", errorMessage: "m")) }
    }

    func testADotRequestIdIsPostedToItsOwnPath() throws {
        let server = try LoopbackServer([.respond(status: 202, headers: [], body: ""), .respond(status: 202, headers: [], body: "")])
        defer { server.stop() }
        let api = try client(server)
        try api.sendResponse([], requestId: ".")
        try api.sendError(ErrorReport(errorType: "T", errorMessage: "m"), requestId: "..")
        XCTAssertEqual(server.received.map(\.path), [
            "/2018-06-01/runtime/invocation/%2E/response", "/2018-06-01/runtime/invocation/%2E%2E/error",
        ])
    }

    func testAnEventOverTheReadLimitIsRefusedUnreadWithItsRequestId() throws {
        let server = try LoopbackServer([.respond(status: 200, headers: eventHeaders, body: String(repeating: "x", count: 70_000)),
                                         .respond(status: 202, headers: [], body: "")])
        defer { server.stop() }
        let api = try client(server, maxEventBytes: 65_536)
        assertFails(.eventTooLarge, requestId: "8476a536-e9f4-11e8-9739-2dfe598c3fcd") { _ = try api.nextInvocation() }
        // The invocation can still be answered, on a new connection.
        try api.sendError(ErrorReport(errorType: "Runtime.EventTooLarge", errorMessage: "m"), requestId: "8476a536-e9f4-11e8-9739-2dfe598c3fcd")
        XCTAssertEqual(server.received.last?.path, "/2018-06-01/runtime/invocation/8476a536-e9f4-11e8-9739-2dfe598c3fcd/error")
    }

    func testAnOversizedEventWithAnUnusableIdHasNoIdToAnswer() throws {
        let headers = eventHeaders.map { $0.0 == "Lambda-Runtime-Aws-Request-Id" ? ($0.0, "with space") : $0 }
        let server = try LoopbackServer([.respond(status: 200, headers: headers, body: String(repeating: "x", count: 70_000))])
        defer { server.stop() }
        let api = try client(server, maxEventBytes: 65_536)
        assertFails(.eventTooLarge, requestId: nil) { _ = try api.nextInvocation() }
    }
}
