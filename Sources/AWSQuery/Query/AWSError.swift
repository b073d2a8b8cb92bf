import FoundationEssentials
import HTTP
import XML

/// The one error of the AWS layer: a service error (code from the response
/// body), or a local one (no usable response). It never carries credentials.
package struct AWSError: Error, Equatable, CustomStringConvertible {
    /// The AWS error code (`RequestLimitExceeded`, `AccessDenied`, ...) or one of the local codes below.
    package var code: String
    package var message: String
    package var requestId: String?
    /// nil when no HTTP response was received.
    package var httpStatus: Int?
    /// e.g. `ec2:DescribeInstances`.
    package var operation: String
    /// How many requests were sent before giving up.
    package var attempts: Int

    package init(code: String, message: String, requestId: String? = nil, httpStatus: Int? = nil, operation: String = "", attempts: Int = 1) {
        self.code = code
        self.message = message
        self.requestId = requestId
        self.httpStatus = httpStatus
        self.operation = operation
        self.attempts = attempts
    }

    /// Local codes, for failures that have no AWS error body.
    package static let networkError = "NetworkError"
    package static let deadlineExceeded = "DeadlineExceeded"
    package static let invalidResponse = "InvalidResponse"
    /// The endpoint's certificate failed verification (or the CA bundle is unusable).
    package static let tlsError = "TLSError"

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
    /// anywhere win, and `RequestID` or `RequestId`, whatever the nesting.
    package static func fromResponse(_ response: HTTPResponse, operation: String) -> AWSError {
        let requestIdHeader = response.headers["x-amzn-RequestId"] ?? response.headers["x-amz-request-id"]
        guard let root = try? XMLReader.parse(response.body),
              let code = root.firstDescendant("Code")?.text, !code.isEmpty
        else {
            return AWSError(
                code: response.status >= 500 ? "HTTP\(response.status)" : AWSError.invalidResponse,
                message: "HTTP \(response.status) without a readable AWS error body",
                requestId: requestIdHeader, httpStatus: response.status, operation: operation)
        }
        let message = root.firstDescendant("Message")?.text ?? ""
        let requestId = root.firstDescendant("RequestID")?.text ?? root.firstDescendant("RequestId")?.text ?? requestIdHeader
        return AWSError(code: code, message: message, requestId: requestId, httpStatus: response.status, operation: operation)
    }
}
