import FoundationEssentials
import HTTP
import Primitives
import SigV4

/// What every AWS protocol client shares: one endpoint, its credentials and
/// transport, SigV4 on each attempt, and retries per `RetryPolicy` that never
/// wait past the caller's deadline. The protocols differ only in the body
/// they send and how they read an error.
package struct SignedCaller {
    package let endpoint: Endpoint
    let credentials: CredentialsProvider
    let transport: HTTPTransport
    let clock: WallClock
    let retryPolicy: RetryPolicy
    let unitRandom: () -> Double

    /// Sends `body` with `headers` (signed) and returns what `read` makes of
    /// a 2xx answer's body.
    /// - Parameters:
    ///   - operation: `service:Action`, for errors.
    ///   - errorOf: reads a non-2xx answer.
    /// - Throws: `AWSError`; `attempts` says how many requests were sent.
    func call<Answer, ReadError: Error & Sendable>(
        body: [UInt8], headers: [(String, String)], operation: String, deadline: Date,
        errorOf: (HTTPResponse, String) -> AWSError, read: ([UInt8]) throws(ReadError) -> Answer
    ) throws(AWSError) -> Answer {
        var attempt = 0
        while true {
            attempt += 1
            let remaining = deadline.timeIntervalSince(clock.now)
            guard remaining > 0 else {
                throw AWSError(code: .deadlineExceeded, message: "no time left before the deadline",
                               operation: operation, attempts: attempt - 1)
            }
            var error: AWSError
            do throws(AWSError) {
                let response = try sendOnce(body: body, headers: headers, operation: operation, timeout: remaining, deadline: deadline)
                guard (200..<300).contains(response.status) else { throw errorOf(response, operation) }
                do {
                    return try read(response.body)
                } catch let failure {
                    throw AWSError(code: .invalidResponse, message: "HTTP \(response.status) with an unreadable body: \(failure)",
                                   requestId: response.headers["x-amzn-RequestId"], httpStatus: response.status,
                                   operation: operation, underlying: failure)
                }
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

    /// A transport timeout this close to the deadline is the deadline:
    /// libcurl counts the timeout it was given in whole milliseconds on its
    /// own clock, and can end the exchange a little before ours reaches it.
    static let timerSlack = 0.01

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

    private func sendOnce(body: [UInt8], headers: [(String, String)], operation: String, timeout: Double,
                          deadline: Date) throws(AWSError) -> HTTPResponse {
        var request = HTTPRequest(method: "POST", scheme: endpoint.scheme, host: endpoint.host, port: endpoint.port,
                                  path: endpoint.path, headers: HTTPHeaders(headers), body: body)
        let signer = SigV4Signer(credentials: try credentials.credentials(deadline: deadline),
                                 region: endpoint.signingRegion, service: endpoint.signingName)
        var signing = SigningRequest(method: request.method, host: request.hostHeader, path: request.path, query: request.query,
                                     headers: request.headers.fields, body: request.body)
        signer.sign(&signing, date: clock.now)
        request.headers = HTTPHeaders(signing.headers.map { ($0.name, $0.value) })
        request.headers.add("User-Agent", Product.userAgent)
        do {
            return try transport.send(request, timeout: timeout)
        } catch {
            throw AWSError(code: Self.code(of: error, deadlinePassed: clock.now.addingTimeInterval(Self.timerSlack) >= deadline),
                           message: error.description, operation: operation, underlying: error)
        }
    }
}
