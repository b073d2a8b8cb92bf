import AWSQuery
import Primitives

/// The `errorType` of every way the function can fail, in one table: what
/// Lambda is told (`/invocation/{id}/error`, `/init/error`), what the logs
/// and local runs say, and what failure-queue filters and alarms match on.
///
/// | failure | errorType |
/// |---|---|
/// | an event that cannot be decoded | `InvalidEvent` |
/// | a setting missing or invalid, at start or later | `InvalidConfiguration` |
/// | an AWS call refused | the service's code (`AccessDenied`, `UnauthorizedOperation`, `RequestLimitExceeded`, …) |
/// | no answer from AWS, or none in time | `NetworkError`, `DeadlineExceeded` |
/// | an answer that cannot be used | `InvalidResponse`, `HTTP5xx`, `TLSError`, `DryRunIgnored` |
/// | anything else | `Unhandled` |
///
/// The Runtime API layer adds its own (`LambdaRuntime`):
/// `Runtime.InvalidInvocation` when Lambda's headers make an event unusable.
package enum ErrorType {
    package static let invalidEvent = "InvalidEvent"
    package static let invalidConfiguration = "InvalidConfiguration"
    package static let unhandled = "Unhandled"

    /// The errorType of any error the function ends with.
    package static func of(_ error: any Error) -> String {
        switch error {
        case let error as TaggerError: error.errorType
        case is ConfigurationError: invalidConfiguration
        case let error as AWSError: error.code.description
        default: unhandled
        }
    }
}
