import AWSQuery
import FoundationEssentials
import Primitives

/// One event to publish with PutEvents.
package struct EventEntry: Sendable, Equatable {
    package var source: String
    package var detailType: String
    /// The `detail`, a JSON object as text.
    package var detail: String
    /// The bus's name or ARN.
    package var eventBusName: String

    package init(source: String, detailType: String, detail: String, eventBusName: String) {
        self.source = source
        self.detailType = detailType
        self.detail = detail
        self.eventBusName = eventBusName
    }
}

/// What became of one entry: EventBridge answers per entry, in order.
package enum PublishOutcome: Sendable, Equatable {
    case published(eventId: String)
    case failed(code: String, message: String)
}

/// What the tagger needs of EventBridge; `EventBridgeClient` is the real one.
package protocol EventBridgeAPI: AnyObject {
    /// Publishes at most `EventBridgeClient.maxEntriesPerCall` entries in one call.
    func putEvents(_ entries: [EventEntry], deadline: Date) throws(AWSError) -> [PublishOutcome]
}

/// EventBridge's JSON 1.1 API (target prefix `AWSEvents`).
package final class EventBridgeClient: EventBridgeAPI {
    package static let targetPrefix = "AWSEvents"
    /// PutEvents takes at most 10 entries.
    package static let maxEntriesPerCall = 10
    private let client: JSONProtocolClient

    package init(client: JSONProtocolClient) { self.client = client }

    package func putEvents(_ entries: [EventEntry], deadline: Date) throws(AWSError) -> [PublishOutcome] {
        guard !entries.isEmpty else { return [] }
        precondition(entries.count <= Self.maxEntriesPerCall, "PutEvents takes at most \(Self.maxEntriesPerCall) entries")
        let answer = try client.send(action: "PutEvents", body: Array(Self.body(entries).utf8), deadline: deadline,
                                     as: PutEventsAnswer.self)
        guard answer.entries.count == entries.count else {
            throw AWSError(code: .invalidResponse, message: "PutEvents answered for \(answer.entries.count) of \(entries.count) entries",
                           operation: "events:PutEvents")
        }
        return answer.entries.map { entry in
            if let eventId = entry.eventId, entry.errorCode == nil { return .published(eventId: eventId) }
            return .failed(code: entry.errorCode ?? "Unknown", message: entry.errorMessage ?? "")
        }
    }

    /// `{"Entries":[{"Source":…,"DetailType":…,"Detail":…,"EventBusName":…}]}`
    static func body(_ entries: [EventEntry]) -> String {
        "{\"Entries\":[" + entries.map { entry in
            "{\"Source\":\(JSONText.quoted(entry.source)),\"DetailType\":\(JSONText.quoted(entry.detailType)),"
                + "\"Detail\":\(JSONText.quoted(entry.detail)),\"EventBusName\":\(JSONText.quoted(entry.eventBusName))}"
        }.joined(separator: ",") + "]}"
    }

    private struct PutEventsAnswer: Decodable {
        struct Entry: Decodable {
            var eventId: String?
            var errorCode: String?
            var errorMessage: String?
            enum CodingKeys: String, CodingKey { case eventId = "EventId", errorCode = "ErrorCode", errorMessage = "ErrorMessage" }
        }
        var entries: [Entry]
        enum CodingKeys: String, CodingKey { case entries = "Entries" }
    }
}
