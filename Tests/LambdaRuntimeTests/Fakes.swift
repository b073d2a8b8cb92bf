import Foundation
import HTTP
@testable import LambdaRuntime

/// The Runtime API as the loop sees it, scripted: `/next` gives the next
/// scripted invocation or error, every post the next scripted outcome
/// (accepted when none is left), and each call is recorded.
final class FakeRuntimeAPI: RuntimeAPI {
    enum Call: Equatable {
        case next
        case response(requestId: String, body: [UInt8])
        case error(requestId: String, ErrorReport)
        case initError(ErrorReport)
    }

    private var nexts: [Result<Invocation, RuntimeError>]
    private var posts: [RuntimeError?]
    private(set) var calls: [Call] = []

    /// - Parameter posts: one outcome per post in order; nil is accepted.
    init(_ nexts: [Result<Invocation, RuntimeError>], posts: [RuntimeError?] = []) {
        self.nexts = nexts
        self.posts = posts
    }

    func nextInvocation() throws(RuntimeError) -> Invocation {
        calls.append(.next)
        guard !nexts.isEmpty else { throw RuntimeError(.transportFailed, "the test scripted no more invocations") }
        return try nexts.removeFirst().get()
    }

    func sendResponse(_ body: [UInt8], requestId: String) throws(RuntimeError) {
        calls.append(.response(requestId: requestId, body: body))
        try post()
    }

    func sendError(_ report: ErrorReport, requestId: String) throws(RuntimeError) {
        calls.append(.error(requestId: requestId, report))
        try post()
    }

    func sendInitError(_ report: ErrorReport) throws(RuntimeError) {
        calls.append(.initError(report))
        try post()
    }

    private func post() throws(RuntimeError) {
        if !posts.isEmpty, let failure = posts.removeFirst() { throw failure }
    }
}

/// An invocation as Lambda would send it.
func invocation(_ requestId: String = "req-1", payload: String = #"{"ok":true}"#, traceId: String? = nil) -> Result<Invocation, RuntimeError> {
    .success(Invocation(metadata: InvocationMetadata(requestId: requestId, deadlineMs: 1_700_000_030_000,
                                                     invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:tagger",
                                                     traceId: traceId),
                        payload: Array(payload.utf8)))
}

let localRuntimeAPI = try! RuntimeAPIAddress("127.0.0.1:9001")

/// Collects the logger's lines.
final class LineCollector {
    private(set) var lines: [String] = []
    func append(_ line: String) { lines.append(line) }
}

/// Parses one JSON object the way a log or error consumer would.
func jsonObject(_ bytes: [UInt8]) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: Data(bytes))
    guard let object = value as? [String: Any] else { throw CocoaError(.coderReadCorrupt) }
    return object
}

func jsonObject(_ text: String) throws -> [String: Any] { try jsonObject(Array(text.utf8)) }
