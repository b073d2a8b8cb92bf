import CurlHTTP
import Foundation
import HTTP
@testable import LambdaRuntime
import Primitives

/// The Runtime API's side of the wire, scripted: each call takes the next
/// canned answer and records what it was sent.
final class FakeRuntimeTransport: HTTPTransport {
    private var answers: [Result<HTTPResponse, TransportError>]
    private(set) var requests: [(request: HTTPRequest, timeout: Double?)] = []

    init(_ answers: [Result<HTTPResponse, TransportError>]) {
        self.answers = answers
    }

    func send(_ request: HTTPRequest, timeout: Double?) throws(TransportError) -> HTTPResponse {
        requests.append((request, timeout))
        guard !answers.isEmpty else { throw TransportError(.other, "the test scripted no answer for \(request.method) \(request.path)") }
        return try answers.removeFirst().get()
    }

    var paths: [String] { requests.map { "\($0.request.method) \($0.request.path)" } }
}

/// A `/next` answer with the headers Lambda sends.
func nextEvent(
    requestId: String? = "req-1", deadlineMs: String? = "1700000030000",
    functionArn: String? = "arn:aws:lambda:eu-west-1:123456789012:function:tagger",
    traceId: String? = nil, payload: String = #"{"ok":true}"#
) -> Result<HTTPResponse, TransportError> {
    var headers = HTTPHeaders()
    if let requestId { headers.add("Lambda-Runtime-Aws-Request-Id", requestId) }
    if let deadlineMs { headers.add("Lambda-Runtime-Deadline-Ms", deadlineMs) }
    if let functionArn { headers.add("Lambda-Runtime-Invoked-Function-Arn", functionArn) }
    if let traceId { headers.add("Lambda-Runtime-Trace-Id", traceId) }
    return .success(HTTPResponse(status: 200, headers: headers, body: Array(payload.utf8)))
}

let accepted: Result<HTTPResponse, TransportError> = .success(HTTPResponse(status: 202))

func status(_ code: Int) -> Result<HTTPResponse, TransportError> { .success(HTTPResponse(status: code)) }

let localRuntimeAPI = try! RuntimeAPIAddress("127.0.0.1:9001")

/// Time that moves only when told: each reading advances it by `step`.
final class SteppingClock: WallClock {
    private var current: Date
    private let step: Double
    private(set) var sleeps: [Double] = []

    init(_ start: Date = Date(timeIntervalSince1970: 1_700_000_000), step: Double = 0) {
        current = start
        self.step = step
    }

    var now: Date {
        defer { current = current.addingTimeInterval(step) }
        return current
    }

    func sleep(seconds: Double) {
        sleeps.append(seconds)
        current = current.addingTimeInterval(seconds)
    }
}

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
