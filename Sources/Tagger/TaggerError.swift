import AWSQuery
import Primitives

/// Why an invocation failed, with the `errorType` Lambda reports and a
/// one-line message that never holds credentials.
package struct TaggerError: Error, Equatable, CustomStringConvertible {
    package enum Kind: Sendable, Equatable {
        /// The input cannot be handled: exit code 2 locally.
        case invalidEvent
        /// A setting is missing or wrong: exit code 2 locally.
        case configuration
        /// An AWS call failed: exit code 1 locally.
        case aws
    }

    package var kind: Kind
    /// `InvalidEvent`, `Configuration`, or the AWS error code (`AccessDenied`, `DeadlineExceeded`, …).
    package var errorType: String
    package var message: String

    package init(kind: Kind, errorType: String, message: String) {
        self.kind = kind
        self.errorType = errorType
        self.message = Self.oneLine(message)
    }

    package static func invalidEvent(_ message: String) -> TaggerError {
        TaggerError(kind: .invalidEvent, errorType: "InvalidEvent", message: message)
    }

    package static func configuration(_ error: ConfigurationError) -> TaggerError {
        TaggerError(kind: .configuration, errorType: "Configuration", message: error.description)
    }

    package static func aws(_ error: AWSError) -> TaggerError {
        TaggerError(kind: .aws, errorType: error.code, message: error.description)
    }

    package var description: String { "\(errorType): \(message)" }

    /// AWS messages are the service's words: keep them to one bounded line.
    private static func oneLine(_ text: String) -> String {
        let flat = String(text.map { $0.isNewline ? " " : $0 })
        return flat.count > 1024 ? String(flat.prefix(1024)) + "…" : flat
    }
}
