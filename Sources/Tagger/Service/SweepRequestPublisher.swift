import AWSQuery
import EventBridge
import FoundationEssentials
import Primitives

/// Publishes one sweep request per account on the central bus, 10 to a
/// PutEvents call. EventBridge answers per entry: an entry that failed for a
/// passing reason is published again, with backoff, within the deadline; the
/// others are reported.
final class SweepRequestPublisher {
    /// Entry error codes worth another try (PutEvents, "Errors").
    static let retryableCodes: Set<String> = ["InternalFailure", "ThrottlingException", "InternalException"]
    static let maxAttempts = 4
    static let baseDelay = 0.2

    private let makeEventBridge: () throws -> any EventBridgeAPI
    private let clock: any WallClock
    private var eventBridge: (any EventBridgeAPI)?

    init(eventBridge: @escaping () throws -> any EventBridgeAPI, clock: any WallClock) {
        makeEventBridge = eventBridge
        self.clock = clock
    }

    /// - Returns: how many requests were published (all of them).
    /// - Throws: `sweepRequestsUnpublished` naming every account left without
    ///   a request (the others were published), or the error of a call that
    ///   failed as a whole before anything else could be sent.
    func publish(accounts: [String], bus: String, deadline: Date) throws(TaggerError) -> Int {
        let events = try client()
        var published = 0
        var unpublished: [TaggerError.Unpublished] = []
        for chunk in accounts.chunks(of: EventBridgeClient.maxEntriesPerCall) {
            var pending = chunk
            var attempt = 0
            while !pending.isEmpty {
                attempt += 1
                let outcomes: [PublishOutcome]
                do {
                    outcomes = try events.putEvents(pending.map { Self.entry(account: $0, bus: bus) }, deadline: deadline)
                } catch {
                    // The call failed whole, after the client's own retries: nothing more can go out.
                    let rest = accounts.drop { $0 != pending[0] }
                    unpublished += rest.map { TaggerError.Unpublished(account: $0, code: error.code.description, message: error.message) }
                    throw TaggerError(.sweepRequestsUnpublished(unpublished, published: published))
                }
                var again: [String] = []
                for (account, outcome) in zip(pending, outcomes) {
                    switch outcome {
                    case .published:
                        published += 1
                    case .failed(let code, let message):
                        if Self.retryableCodes.contains(code) && attempt < Self.maxAttempts {
                            again.append(account)
                        } else {
                            unpublished.append(TaggerError.Unpublished(account: account, code: code, message: message))
                        }
                    }
                }
                pending = again
                guard !pending.isEmpty else { break }
                let wait = Self.baseDelay * Double(1 << (attempt - 1))
                if clock.now.addingTimeInterval(wait) >= deadline {
                    unpublished += pending.map { TaggerError.Unpublished(account: $0, code: "DeadlineExceeded", message: "no time left to publish again") }
                    break
                }
                clock.sleep(seconds: wait)
            }
        }
        guard unpublished.isEmpty else { throw TaggerError(.sweepRequestsUnpublished(unpublished, published: published)) }
        return published
    }

    static func entry(account: String, bus: String) -> EventEntry {
        EventEntry(source: SweepRequest.source, detailType: SweepRequest.detailType, detail: SweepRequest.detail(account: account),
                   eventBusName: bus)
    }

    private func client() throws(TaggerError) -> any EventBridgeAPI {
        if let eventBridge { return eventBridge }
        do {
            let made = try makeEventBridge()
            eventBridge = made
            return made
        } catch let error as ConfigurationError {
            throw .configuration(error)
        } catch {
            throw .configuration(ConfigurationError(setting: "EventBridge client", problem: "cannot be made: \(error)"))
        }
    }
}
