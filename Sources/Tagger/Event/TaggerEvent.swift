import FoundationEssentials

/// What an incoming event asks for, before the configuration is applied.
package enum TaggerEvent: Sendable, Equatable {
    /// An EventBridge `Scheduled Event`: sweep the region (reconcile).
    case scheduled
    /// A CloudTrail record, from an EventBridge envelope or bare.
    case apiCall(CloudTrailRecord)
    /// A sweep request a central-mode function published for one member
    /// account (see `SweepRequest`), with the `account` EventBridge wrote in
    /// its envelope: the account that published it, which no caller can choose.
    case sweepRequest(account: String, publisher: String?)
    /// An EventBridge event that is not an EC2 API call, and why.
    case ignored(reason: String)

    /// Larger inputs are refused before parsing. EventBridge delivers at most
    /// 256 KB; the margin is for a bare record fed to `invoke`.
    package static let maxEventBytes = 1 << 20

    /// Decodes an EventBridge event (`detail-type`, `source`, `detail`, …) or a
    /// bare CloudTrail record.
    /// - Throws: `InvalidEvent` for input that is too large, not JSON, or lacks a
    ///   field we need (the message names its JSON path, e.g. `detail.responseElements`).
    package static func decode(_ data: Data) throws(TaggerError) -> TaggerEvent {
        guard data.count <= maxEventBytes else {
            throw .invalidEvent("the event is \(data.count) bytes, more than the \(maxEventBytes) bytes accepted")
        }
        do {
            return try JSONDecoder().decode(IncomingEvent.self, from: data).event
        } catch let error as DecodingError {
            throw .invalidEvent(Self.describe(error))
        } catch let error as UnrecognizedEvent {
            throw .invalidEvent(error.message)
        } catch {
            throw .invalidEvent("the event is not valid JSON")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(typeName(type)), found null"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): missing"
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return "the event is not valid JSON"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "the event could not be decoded"
        }
    }

    /// `detail.responseElements.instancesSet.items[2].instanceId`.
    static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue { text += "[\(index)]" }
            else { text += (text.isEmpty ? "" : ".") + key.stringValue }
        }
        return text.isEmpty ? "the event" : text
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is any Numeric.Type: "a number"
        case is any ExpressibleByArrayLiteral.Type: "an array"
        default: "an object"
        }
    }
}

/// The top level of the input: one pass decides which of the shapes it is.
private struct IncomingEvent: Decodable {
    var event: TaggerEvent

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        if let detailType = try container.decodeIfPresent(String.self, forKey: Key("detail-type")) {
            let source = try container.decode(String.self, forKey: Key("source"))
            switch (detailType, source) {
            case ("Scheduled Event", "aws.events"):
                event = .scheduled
            case (SweepRequest.detailType, SweepRequest.source):
                let detail = try container.decode(SweepRequest.Detail.self, forKey: Key("detail"))
                event = .sweepRequest(account: detail.account, publisher: try container.decodeIfPresent(String.self, forKey: Key("account")))
            case ("AWS API Call via CloudTrail", "aws.ec2"):
                var record = try container.decode(CloudTrailRecord.self, forKey: Key("detail"))
                // EventBridge's own field: the account the event happened in,
                // kept when a member account's rule forwards it to a central bus.
                if let account = try container.decodeIfPresent(String.self, forKey: Key("account")) {
                    record.account = account
                }
                event = .apiCall(record)
            default:
                event = .ignored(reason: "EventBridge event \(quoted(detailType)) from \(quoted(source)) is not an EC2 API call or a schedule")
            }
        } else if container.contains(Key("eventName")) {
            event = .apiCall(try CloudTrailRecord(from: decoder))
        } else {
            throw UnrecognizedEvent()
        }
    }
}

private struct UnrecognizedEvent: Error {
    let message = "the event is neither an EventBridge event (no detail-type) nor a CloudTrail record (no eventName)"
}
