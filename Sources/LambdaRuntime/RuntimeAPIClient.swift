import HTTP
import Primitives

/// One event to handle: its metadata and the raw payload.
package struct Invocation: Sendable, Equatable {
    package var metadata: InvocationMetadata
    package var payload: [UInt8]

    package init(metadata: InvocationMetadata, payload: [UInt8]) {
        self.metadata = metadata
        self.payload = payload
    }
}

/// What the loop needs of the Lambda Runtime API: the four calls a runtime
/// makes. `RuntimeAPIClient` speaks them over HTTP; the loop's tests give it
/// a fake, so the loop is tested without a network.
package protocol RuntimeAPI: AnyObject {
    /// Waits for the next event.
    func nextInvocation() throws(RuntimeError) -> Invocation
    func sendResponse(_ body: [UInt8], requestId: String) throws(RuntimeError)
    func sendError(_ report: ErrorReport, requestId: String) throws(RuntimeError)
    func sendInitError(_ report: ErrorReport) throws(RuntimeError)
}

/// Talks to the Lambda Runtime API over an `HTTPTransport` (libcurl in the
/// function). It never logs: payloads and responses are the caller's data.
package final class RuntimeAPIClient: RuntimeAPI {
    /// The read limit the runtime's transport should have: Lambda's largest
    /// invocation payload (6 MB, synchronous invocations). A larger event is
    /// refused unread and its invocation answered with `Runtime.EventTooLarge`.
    package static let maxEventBytes = 6 << 20

    package let address: RuntimeAPIAddress
    private let transport: HTTPTransport
    private let postTimeout: Double

    /// - Parameter postTimeout: bound on posting a result, in seconds. `/next`
    ///   has none: Lambda freezes the process while it waits for an event.
    package init(address: RuntimeAPIAddress, transport: HTTPTransport, postTimeout: Double = 10) {
        self.address = address
        self.transport = transport
        self.postTimeout = postTimeout
    }

    /// Waits for the next event.
    /// - Throws: a transport or status failure, the header errors of
    ///   `InvocationMetadata.init(headers:)`, or `eventTooLarge` (with the
    ///   request id, so the invocation can still be answered) when the event
    ///   is over the transport's read limit.
    package func nextInvocation() throws(RuntimeError) -> Invocation {
        let response: HTTPResponse
        do {
            response = try transport.send(RuntimeAPIRequest.next.httpRequest(to: address), timeout: nil)
        } catch where error.kind == .responseTooLarge {
            let requestId = error.partialResponse?.headers["Lambda-Runtime-Aws-Request-Id"].flatMap {
                InvocationMetadata.isValidRequestId($0) ? $0 : nil
            }
            throw RuntimeError(.eventTooLarge, "the next event is larger than this runtime reads: \(error.message)",
                               requestId: requestId, underlying: error)
        } catch {
            throw RuntimeError(.transportFailed, "Runtime API at \(address): \(error)", underlying: error)
        }
        guard response.status == 200 else {
            throw RuntimeError(response.status == 500 ? .containerError : .unexpectedStatus,
                               "GET /invocation/next answered HTTP \(response.status)")
        }
        return Invocation(metadata: try InvocationMetadata(headers: response.headers), payload: response.body)
    }

    package func sendResponse(_ body: [UInt8], requestId: String) throws(RuntimeError) {
        try post(.response(requestId: requestId, body: body), what: "the response", requestId: requestId)
    }

    package func sendError(_ report: ErrorReport, requestId: String) throws(RuntimeError) {
        try post(.error(requestId: requestId, report), what: "the error", requestId: requestId)
    }

    package func sendInitError(_ report: ErrorReport) throws(RuntimeError) {
        try post(.initError(report), what: "the init error", requestId: nil)
    }

    /// Every post is answered `202 Accepted`; 400, 403 and 413 reject this one
    /// post, 500 means the runtime must exit.
    private func post(_ request: RuntimeAPIRequest, what: String, requestId: String?) throws(RuntimeError) {
        let response = try send(request, timeout: postTimeout)
        guard response.status == 202 else {
            throw RuntimeError(response.status == 500 ? .containerError : .unexpectedStatus,
                               "posting \(what) was answered HTTP \(response.status)", requestId: requestId)
        }
    }

    private func send(_ request: RuntimeAPIRequest, timeout: Double?) throws(RuntimeError) -> HTTPResponse {
        do {
            return try transport.send(request.httpRequest(to: address), timeout: timeout)
        } catch {
            throw RuntimeError(.transportFailed, "Runtime API at \(address): \(error)", underlying: error)
        }
    }
}
