import FoundationEssentials
import HTTP
import Primitives
import SigV4
import XML

/// Sends signed AWS Query-protocol calls (`POST /`, form body) to one endpoint,
/// retrying per `RetryPolicy` without ever waiting past the caller's deadline.
package final class QueryClient {
    package let endpoint: Endpoint
    package let apiVersion: String
    private let credentials: CredentialsProvider
    private let transport: HTTPTransport
    private let clock: WallClock
    private let retryPolicy: RetryPolicy
    private let unitRandom: () -> Double

    package init(
        endpoint: Endpoint, apiVersion: String, credentials: CredentialsProvider,
        transport: HTTPTransport, clock: WallClock, retryPolicy: RetryPolicy = RetryPolicy(),
        unitRandom: @escaping () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.endpoint = endpoint
        self.apiVersion = apiVersion
        self.credentials = credentials
        self.transport = transport
        self.clock = clock
        self.retryPolicy = retryPolicy
        self.unitRandom = unitRandom
    }

    /// Calls `action` and returns the root element of the response body.
    /// - Throws: `AWSError` with the service's code, or `NetworkError`,
    ///   `DeadlineExceeded` or `InvalidResponse`; `attempts` says how many requests were sent.
    package func send(action: String, parameters: [(String, String)], deadline: Date) throws(AWSError) -> XMLElement {
        try send(action: action, parameters: parameters, deadline: deadline) { body throws(XMLError) in try XMLReader.parse(body) }
    }

    /// Calls `action` and returns what `read` makes of the successful response
    /// body (a streaming reader of a large answer, say); a body `read` refuses
    /// is an `InvalidResponse`, as for `send`.
    package func send<Answer>(action: String, parameters: [(String, String)], deadline: Date,
                              read: ([UInt8]) throws(XMLError) -> Answer) throws(AWSError) -> Answer {
        let operation = "\(endpoint.signingName):\(action)"
        let body = Array(QueryForm.encode([("Action", action), ("Version", apiVersion)] + parameters).utf8)
        var attempt = 0
        while true {
            attempt += 1
            let remaining = deadline.timeIntervalSince(clock.now)
            guard remaining > 0 else {
                throw AWSError(code: .deadlineExceeded, message: "no time left before the deadline",
                               operation: operation, attempts: attempt - 1)
            }
            var error: AWSError
            do {
                return try sendOnce(body: body, operation: operation, timeout: remaining, deadline: deadline, read: read)
            } catch let failure {
                error = failure
            }
            error.attempts = attempt
            guard retryPolicy.isRetryable(error), attempt < retryPolicy.maxAttempts else { throw error }
            let wait = retryPolicy.delay(beforeRetry: attempt, unitRandom: unitRandom())
            if clock.now.addingTimeInterval(wait) >= deadline {
                // Waiting would overrun the deadline: report the last real failure.
                error.message += " (no time left to retry before the deadline)"
                throw error
            }
            clock.sleep(seconds: wait)
        }
    }

    /// Failures below HTTP, as AWS error codes: resets, refusals and a timed-out
    /// attempt with time left are `NetworkError` (retried); a certificate that
    /// fails verification and an oversized body are final.
    static func code(of error: TransportError, deadlinePassed: Bool) -> AWSError.Code {
        switch error.kind {
        case .timedOut: deadlinePassed ? .deadlineExceeded : .networkError
        case .tls: .tlsError
        case .responseTooLarge: .invalidResponse
        case .connectionFailed, .other: .networkError
        }
    }

    private func sendOnce<Answer>(body: [UInt8], operation: String, timeout: Double, deadline: Date,
                                  read: ([UInt8]) throws(XMLError) -> Answer) throws(AWSError) -> Answer {
        var request = HTTPRequest(
            method: "POST", scheme: endpoint.scheme, host: endpoint.host, port: endpoint.port,
            path: endpoint.path, headers: HTTPHeaders([("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")]),
            body: body)
        let signer = SigV4Signer(credentials: try credentials.credentials(deadline: deadline),
                                 region: endpoint.signingRegion, service: endpoint.signingName)
        var signing = SigningRequest(method: request.method, host: request.hostHeader, path: request.path, query: request.query,
                                     headers: request.headers.fields, body: request.body)
        signer.sign(&signing, date: clock.now)
        request.headers = HTTPHeaders(signing.headers.map { ($0.name, $0.value) })
        request.headers.add("User-Agent", Product.userAgent)

        let response: HTTPResponse
        do {
            response = try transport.send(request, timeout: timeout)
        } catch {
            throw AWSError(code: Self.code(of: error, deadlinePassed: clock.now >= deadline),
                           message: error.description, operation: operation, underlying: error)
        }
        guard (200..<300).contains(response.status) else {
            throw AWSError.fromResponse(response, operation: operation)
        }
        do {
            return try read(response.body)
        } catch {
            throw AWSError(code: .invalidResponse,
                           message: "HTTP \(response.status) with an unreadable body: \(error.description)",
                           requestId: response.headers["x-amzn-RequestId"], httpStatus: response.status, operation: operation,
                           underlying: error)
        }
    }
}
