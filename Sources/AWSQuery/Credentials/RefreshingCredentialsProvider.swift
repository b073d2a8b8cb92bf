import FoundationEssentials
import Primitives
import SigV4
import Synchronization

/// Where temporary credentials come from: a process, an endpoint, STS. Each
/// `fetch` gets a fresh set; `RefreshingCredentialsProvider` decides when.
package protocol CredentialsSource: AnyObject {
    /// What the source is, for messages: `credential_process of profile 'dev'`.
    var name: String { get }
    func fetch(deadline: Date) throws(AWSError) -> Credentials
}

/// Credentials from a source, kept until shortly before they expire, then
/// fetched again: a long `reconcile` or a warm Lambda container outlives an
/// hour's credentials, and central mode keeps each member role's for as long
/// as they last. Safe to share between the threads of a sweep: one
/// fetch at a time, the others wait for it and use its result.
///
/// - Credentials without an expiration are kept for good.
/// - From `advisoryMargin` before expiry a fetch is tried; if it fails, the
///   current credentials are still used until `mandatoryMargin` before expiry,
///   and the next try waits `retryInterval` (a source that keeps answering
///   with the same soon-to-expire set, as instance metadata does for a few
///   minutes, is not asked on every call either).
/// - A fetch that answers with credentials already expired is refused.
package final class RefreshingCredentialsProvider: CredentialsProvider, @unchecked Sendable {
    package static let defaultAdvisoryMargin = 300.0
    package static let defaultMandatoryMargin = 60.0
    package static let defaultRetryInterval = 30.0

    package let source: any CredentialsSource
    private let clock: WallClock
    private let advisoryMargin: Double
    private let mandatoryMargin: Double
    private let retryInterval: Double
    private let state = Mutex<State>(State())

    private struct State {
        var current: Credentials?
        var nextAttempt: Date?
    }

    package init(source: any CredentialsSource, clock: WallClock, advisoryMargin: Double = defaultAdvisoryMargin,
                 mandatoryMargin: Double = defaultMandatoryMargin, retryInterval: Double = defaultRetryInterval) {
        self.source = source
        self.clock = clock
        self.advisoryMargin = advisoryMargin
        self.mandatoryMargin = mandatoryMargin
        self.retryInterval = retryInterval
    }

    package func credentials(deadline: Date) throws(AWSError) -> Credentials {
        try state.withLock { (state: inout State) throws(AWSError) -> Credentials in
            let now = clock.now
            var usable: Credentials?
            if let current = state.current {
                guard let expiration = current.expiration else { return current }
                if now.addingTimeInterval(advisoryMargin) < expiration { return current }
                if now.addingTimeInterval(mandatoryMargin) < expiration {
                    if let next = state.nextAttempt, now < next { return current }
                    usable = current
                }
            }
            do throws(AWSError) {
                let fresh = try source.fetch(deadline: deadline)
                let fetched = clock.now
                if let expiration = fresh.expiration, expiration <= fetched {
                    throw AWSError(code: .invalidResponse,
                                   message: "\(source.name) gave credentials that expired at \(ISO8601Timestamp.format(expiration))",
                                   operation: "credentials")
                }
                state.current = fresh
                state.nextAttempt = fetched.addingTimeInterval(retryInterval)
                return fresh
            } catch {
                guard let usable else { throw error }
                state.nextAttempt = clock.now.addingTimeInterval(retryInterval)
                return usable
            }
        }
    }
}
