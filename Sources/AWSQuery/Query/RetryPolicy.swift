import FoundationEssentials
import Primitives

/// When to retry a failed call and how long to wait: capped exponential
/// backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter").
package struct RetryPolicy: Sendable {
    /// Total attempts, the first included (`AWS_MAX_ATTEMPTS`).
    package var maxAttempts: Int
    package var baseDelay: Double
    package var maxDelay: Double

    package init(maxAttempts: Int = 5, baseDelay: Double = 0.05, maxDelay: Double = 5) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// Reads `AWS_MAX_ATTEMPTS` (a whole number from 1 to 20) over the defaults.
    package init(environment: [String: String]) throws(ConfigurationError) {
        self.init()
        if let text = environment["AWS_MAX_ATTEMPTS"] {
            guard let value = Int(text), (1...20).contains(value) else {
                throw ConfigurationError(setting: "AWS_MAX_ATTEMPTS", problem: "'\(text.prefix(32))' is not a whole number from 1 to 20")
            }
            maxAttempts = value
        }
    }

    static let throttlingCodes: Set<String> = [
        "RequestLimitExceeded", "Throttling", "ThrottlingException", "ThrottledException",
        "RequestThrottledException", "TooManyRequestsException", "RequestThrottled",
        "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
    ]
    static let transientCodes: Set<String> = [
        "InternalError", "InternalFailure", "ServiceUnavailable", "Unavailable", "RequestTimeout",
        "RequestTimeoutException", "InternalException",
    ]

    /// Throttling, 5xx and network failures are retried; everything else
    /// (AuthFailure, UnauthorizedOperation, AccessDenied, validation errors,
    /// certificates, unreadable answers, the deadline) is final.
    package func isRetryable(_ error: AWSError) -> Bool {
        switch error.code {
        case .service(let code) where Self.throttlingCodes.contains(code) || Self.transientCodes.contains(code): return true
        case .networkError, .serverError: return true
        default: break
        }
        if let status = error.httpStatus, [500, 502, 503, 504].contains(status) { return true }
        return false
    }

    /// The wait before retry number `retry` (1 for the first retry): uniform in
    /// `[0, min(maxDelay, baseDelay * 2^retry))`; `unitRandom` is in `[0, 1)`.
    package func delay(beforeRetry retry: Int, unitRandom: Double) -> Double {
        let ceiling = min(maxDelay, baseDelay * Double(1 << min(retry, 30)))
        return ceiling * unitRandom
    }
}
