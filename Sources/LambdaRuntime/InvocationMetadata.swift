import FoundationEssentials
import HTTP
import Primitives

/// What Lambda says about one invocation in the headers of `/invocation/next`.
package struct InvocationMetadata: Sendable, Equatable {
    /// `Lambda-Runtime-Aws-Request-Id`, e.g. `8476a536-e9f4-11e8-9739-2dfe598c3fcd`.
    package var requestId: String
    /// `Lambda-Runtime-Deadline-Ms`: when Lambda stops the function, in Unix milliseconds.
    package var deadlineMs: Int64
    /// `Lambda-Runtime-Invoked-Function-Arn`: the function, version or alias invoked.
    package var invokedFunctionArn: String?
    /// `Lambda-Runtime-Trace-Id`: the X-Ray tracing header.
    package var traceId: String?

    package init(requestId: String, deadlineMs: Int64, invokedFunctionArn: String? = nil, traceId: String? = nil) {
        self.requestId = requestId
        self.deadlineMs = deadlineMs
        self.invokedFunctionArn = invokedFunctionArn
        self.traceId = traceId
    }

    /// The account the function runs in: the fifth field of the invoked
    /// function's ARN (`arn:aws:lambda:REGION:ACCOUNT:function:NAME`), when it is 12 digits.
    package var functionAccount: String? {
        guard let fields = invokedFunctionArn?.split(separator: ":", omittingEmptySubsequences: false), fields.count >= 6,
              fields[0] == "arn", fields[2] == "lambda" else { return nil }
        let account = fields[4]
        return account.utf8.count == 12 && account.utf8.allSatisfy({ (0x30...0x39).contains($0) }) ? String(account) : nil
    }

    /// The deadline as a wall-clock instant, the form the AWS clients take.
    package var deadline: Date { Date(timeIntervalSince1970: Double(deadlineMs) / 1000) }

    /// A request id Lambda could send: 1 to 256 printable ASCII characters, no space.
    package static func isValidRequestId(_ id: String) -> Bool {
        (1...256).contains(id.utf8.count) && id.unicodeScalars.allSatisfy { (0x21..<0x7F).contains($0.value) }
    }

    /// Reads and validates the headers of a `/invocation/next` response.
    /// - Throws: `missingRequestId` or `invalidRequestId`; `missingDeadline` or `invalidDeadline`
    ///   (with `requestId` set, so the invocation can still be answered).
    package init(headers: HTTPHeaders) throws(RuntimeError) {
        guard let requestId = headers["Lambda-Runtime-Aws-Request-Id"], !requestId.isEmpty else {
            throw RuntimeError(.missingRequestId, "the next invocation has no Lambda-Runtime-Aws-Request-Id header")
        }
        guard Self.isValidRequestId(requestId) else {
            throw RuntimeError(.invalidRequestId, "the Lambda-Runtime-Aws-Request-Id header is not a printable id of at most 256 characters")
        }
        guard let deadlineText = headers["Lambda-Runtime-Deadline-Ms"], !deadlineText.isEmpty else {
            throw RuntimeError(.missingDeadline, "the next invocation has no Lambda-Runtime-Deadline-Ms header", requestId: requestId)
        }
        guard deadlineText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let deadlineMs = Int64(deadlineText), deadlineMs > 0 else {
            throw RuntimeError(.invalidDeadline, "Lambda-Runtime-Deadline-Ms '\(deadlineText.prefix(32))' is not a Unix time in milliseconds",
                               requestId: requestId)
        }
        self.init(
            requestId: requestId, deadlineMs: deadlineMs,
            invokedFunctionArn: headers["Lambda-Runtime-Invoked-Function-Arn"].flatMap { $0.isEmpty ? nil : $0 },
            traceId: headers["Lambda-Runtime-Trace-Id"].flatMap { $0.isEmpty ? nil : $0 })
    }
}
