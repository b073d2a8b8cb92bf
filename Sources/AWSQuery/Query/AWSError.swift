import FoundationEssentials
import HTTP
import XML

/// The one error of the AWS layer: a service's error (its code from the
/// response body) or a local failure with no usable answer, kept apart in
/// `code`. It carries the error underneath when there is one, and never credentials.
package struct AWSError: Error, Equatable, CustomStringConvertible {
    package enum Code: Sendable, Equatable, CustomStringConvertible {
        /// The service's own code (`RequestLimitExceeded`, `AccessDenied`, …).
        case service(String)
        /// No answer: refused, reset, unresolved, or an attempt timed out with time left.
        case networkError
        /// The caller's deadline passed before an answer.
        case deadlineExceeded
        /// An answer that cannot be used: not XML, too large, or missing what the call returns.
        case invalidResponse
        /// The endpoint's certificate failed verification, or the CA bundle is unusable.
        case tlsError
        /// The endpoint performed a call sent with `DryRun=true` instead of answering `DryRunOperation`.
        case dryRunIgnored
        /// A server error status (5xx) whose body names no AWS error code, e.g. a proxy's HTML page.
        case serverError(status: Int)

        /// The code as text: the service's code, or the name of a local failure.
        package var description: String {
            switch self {
            case .service(let code): code
            case .networkError: "NetworkError"
            case .deadlineExceeded: "DeadlineExceeded"
            case .invalidResponse: "InvalidResponse"
            case .tlsError: "TLSError"
            case .dryRunIgnored: "DryRunIgnored"
            case .serverError(let status): "HTTP\(status)"
            }
        }
    }

    package var code: Code
    package var message: String
    package var requestId: String?
    /// nil when no HTTP response was received.
    package var httpStatus: Int?
    /// e.g. `ec2:DescribeInstances`.
    package var operation: String
    /// How many requests were sent before giving up.
    package var attempts: Int
    /// What failed underneath (a `TransportError`, an `XMLError`), when something did.
    package var underlying: (any Error & Sendable)?

    package init(code: Code, message: String, requestId: String? = nil, httpStatus: Int? = nil, operation: String = "",
                 attempts: Int = 1, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.requestId = requestId
        self.httpStatus = httpStatus
        self.operation = operation
        self.attempts = attempts
        self.underlying = underlying
    }

    /// Equal when everything but the underlying error is: that one is kept to
    /// be inspected, not compared.
    package static func == (lhs: AWSError, rhs: AWSError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.requestId == rhs.requestId
            && lhs.httpStatus == rhs.httpStatus && lhs.operation == rhs.operation && lhs.attempts == rhs.attempts
    }

    /// True for the service code `code`.
    package func isService(_ code: String) -> Bool { self.code == .service(code) }

    package var description: String {
        var text = "\(operation.isEmpty ? "" : operation + ": ")\(code): \(message)"
        if let httpStatus { text += " (HTTP \(httpStatus)" + (requestId.map { ", request id \($0)" } ?? "") + ")" }
        if attempts > 1 { text += " after \(attempts) attempts" }
        return text
    }
}

extension AWSError {
    /// Reads a Query-protocol error body: EC2's `<Response><Errors><Error>` or
    /// IAM/STS's `<ErrorResponse><Error>`. The first `Code` and `Message`
    /// anywhere win, and `RequestID` or `RequestId`, whatever the nesting. A
    /// body without a code is an `invalidResponse`, or a `serverError` for a
    /// 5xx status (which is retried).
    package static func fromResponse(_ response: HTTPResponse, operation: String) -> AWSError {
        let requestIdHeader = response.headers["x-amzn-RequestId"] ?? response.headers["x-amz-request-id"]
        let root: XMLElement
        do {
            root = try XMLReader.parse(response.body)
        } catch {
            return unreadable(response, requestId: requestIdHeader, operation: operation, underlying: error)
        }
        guard let code = root.firstDescendant("Code")?.text, !code.isEmpty else {
            return unreadable(response, requestId: requestIdHeader, operation: operation, underlying: nil)
        }
        let message = root.firstDescendant("Message")?.text ?? ""
        let requestId = root.firstDescendant("RequestID")?.text ?? root.firstDescendant("RequestId")?.text ?? requestIdHeader
        return AWSError(code: .service(code), message: message, requestId: requestId, httpStatus: response.status, operation: operation)
    }

    private static func unreadable(_ response: HTTPResponse, requestId: String?, operation: String,
                                   underlying: (any Error & Sendable)?) -> AWSError {
        AWSError(code: response.status >= 500 ? .serverError(status: response.status) : .invalidResponse,
                 message: "HTTP \(response.status) without a readable AWS error body",
                 requestId: requestId, httpStatus: response.status, operation: operation, underlying: underlying)
    }
}
