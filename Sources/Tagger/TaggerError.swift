import AWSQuery
import Primitives

/// Why an invocation failed, with the `errorType` Lambda reports and a
/// one-line message that never holds credentials.
public struct TaggerError: Error, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The input cannot be handled: exit code 2 locally.
        case invalidEvent
        /// A setting is missing or wrong: exit code 2 locally.
        case configuration
        /// An AWS call failed: exit code 1 locally.
        case aws
    }

    public var kind: Kind
    /// `InvalidEvent`, `Configuration`, or the AWS error code (`AccessDenied`, `DeadlineExceeded`, …).
    public var errorType: String
    public var message: String

    public init(kind: Kind, errorType: String, message: String) {
        self.kind = kind
        self.errorType = errorType
        self.message = Self.oneLine(message)
    }

    public static func invalidEvent(_ message: String) -> TaggerError {
        TaggerError(kind: .invalidEvent, errorType: "InvalidEvent", message: message)
    }

    public static func configuration(_ error: ConfigurationError) -> TaggerError {
        TaggerError(kind: .configuration, errorType: "Configuration", message: error.description)
    }

    public static func aws(_ error: AWSError) -> TaggerError {
        TaggerError(kind: .aws, errorType: error.code, message: error.description)
    }

    public var description: String { "\(errorType): \(message)" }

    /// AWS messages are the service's words: keep them to one bounded line.
    private static func oneLine(_ text: String) -> String {
        let flat = String(text.map { $0.isNewline ? " " : $0 })
        return flat.count > 1024 ? String(flat.prefix(1024)) + "…" : flat
    }
}
