import AWSQuery
import Primitives

/// Why an invocation failed: what went wrong, with the error underneath, and
/// where (a member account, a region). `errorType` and the one-line message
/// are derived from them; neither ever holds credentials.
package struct TaggerError: Error, Equatable, CustomStringConvertible {
    package enum Reason: Equatable {
        /// The input is not an event this function understands (the message names the JSON path).
        case invalidEvent(String)
        /// A setting is missing or invalid.
        case configuration(ConfigurationError)
        /// An AWS call failed.
        case aws(AWSError)
        /// Some of `total` sweeps failed; the others were done.
        case sweepsFailed([TaggerError], total: Int)
        /// Sweep requests that could not be published; `published` others were.
        case sweepRequestsUnpublished([Unpublished], published: Int)
    }

    /// An account left without a sweep request, and EventBridge's reason.
    package struct Unpublished: Equatable, Sendable {
        package var account: String
        package var code: String
        package var message: String
    }

    /// How a failure ends a local run: bad input and configuration are the
    /// caller's to fix (exit code 2), a failed AWS call may pass (exit code 1).
    package enum Kind: Sendable, Equatable {
        case invalidEvent
        case configuration
        case aws
    }

    package var reason: Reason
    /// Where it happened, outermost first: `account 111122223333`, `eu-west-1`.
    package var scope: [String] = []

    package init(_ reason: Reason, scope: [String] = []) {
        self.reason = reason
        self.scope = scope
    }

    package static func invalidEvent(_ message: String) -> TaggerError { TaggerError(.invalidEvent(message)) }
    package static func configuration(_ error: ConfigurationError) -> TaggerError { TaggerError(.configuration(error)) }
    package static func aws(_ error: AWSError) -> TaggerError { TaggerError(.aws(error)) }

    /// The same failure, placed inside `place` (an account, a region).
    package func within(_ place: String) -> TaggerError {
        TaggerError(reason, scope: [place] + scope)
    }

    package var kind: Kind {
        switch reason {
        case .invalidEvent: .invalidEvent
        case .configuration: .configuration
        case .aws: .aws
        case .sweepsFailed(let failures, _): failures.first?.kind ?? .aws
        case .sweepRequestsUnpublished: .aws
        }
    }

    /// The errorType Lambda is told and local runs log (see `ErrorType`).
    package var errorType: String {
        switch reason {
        case .invalidEvent: ErrorType.invalidEvent
        case .configuration: ErrorType.invalidConfiguration
        case .aws(let error): error.code.description
        case .sweepsFailed(let failures, _): failures.first?.errorType ?? ErrorType.unhandled
        case .sweepRequestsUnpublished(let unpublished, _): unpublished.first?.code ?? ErrorType.unhandled
        }
    }

    /// One bounded line: the scope, then what went wrong.
    package var message: String {
        let what: String
        switch reason {
        case .invalidEvent(let message): what = message
        case .configuration(let error): what = error.description
        case .aws(let error): what = error.description
        case .sweepsFailed(let failures, let total):
            what = "\(failures.count) of \(total) sweeps failed, the others were done: " + failures.map(\.message).joined(separator: "; ")
        case .sweepRequestsUnpublished(let unpublished, let published):
            what = "\(unpublished.count) sweep requests could not be published (\(published) were): "
                + unpublished.map { "account \($0.account): \($0.code): \($0.message)" }.joined(separator: "; ")
        }
        return Self.oneLine(scope.map { $0 + ": " }.joined() + what)
    }

    package var description: String { "\(errorType): \(message)" }

    /// AWS messages are the service's words: keep them to one bounded line.
    private static func oneLine(_ text: String) -> String {
        let flat = String(text.map { $0.isNewline ? " " : $0 })
        return flat.count > 1024 ? String(flat.prefix(1024)) + "…" : flat
    }
}
