import EC2
import FoundationEssentials

/// A CloudTrail record of an EC2 API call: the `detail` of an EventBridge
/// "AWS API Call via CloudTrail" event, or a bare record. Only what tagging
/// needs is read; unknown fields are ignored.
package struct CloudTrailRecord: Sendable, Equatable {
    package var eventSource: String
    package var eventName: String
    /// Unchecked text from the event: validated before it reaches a host name.
    package var awsRegion: String?
    package var userIdentity: UserIdentity?
    package var call: Call
    /// Unchecked text from the event: the account the call was made in, from
    /// the EventBridge envelope's `account`, else the record's `recipientAccountId`.
    package var account: String?

    package enum Call: Sendable, Equatable {
        /// Every launched instance, deduplicated in event order (their tags are
        /// read from EC2, the truth for current tags).
        case runInstances(instanceIds: [String])
        /// The instances (not volumes, images, …) a CreateTags call touched and the keys it set.
        case createTags(instanceIds: [String], keys: [String])
        /// The instances a DeleteTags call touched and the keys it removed; nil
        /// when the call named none, which deletes every tag.
        case deleteTags(instanceIds: [String], keys: [String]?)
        /// Nothing to do, and why; such records are not read further, so their
        /// parameters can never fail decoding.
        case unsupported(reason: String)
    }

    package static let ec2EventSource = "ec2.amazonaws.com"
}

/// Who made the call (`userIdentity`).
package struct UserIdentity: Sendable, Equatable, Decodable {
    /// `AssumedRole`, `IAMUser`, `Root`, `AWSService`, …
    package var type: String?
    /// For an assumed role `ROLEID:session-name`, which is exactly its `${aws:userid}`.
    package var principalId: String?
    package var arn: String?
    package var sessionContext: SessionContext?

    package struct SessionContext: Sendable, Equatable, Decodable {
        package var sessionIssuer: SessionIssuer?
    }

    /// The role behind an assumed-role session.
    package struct SessionIssuer: Sendable, Equatable, Decodable {
        package var type: String?
        /// The role id (`AROA…`).
        package var principalId: String?
        /// The role ARN, with its path.
        package var arn: String?
        /// The role name.
        package var userName: String?
    }
}

extension CloudTrailRecord: Decodable {
    private enum CodingKeys: String, CodingKey {
        case eventSource, eventName, awsRegion, errorCode, userIdentity, requestParameters, responseElements, recipientAccountId
    }

    package init(from decoder: any Decoder) throws {
        let record = try decoder.container(keyedBy: CodingKeys.self)
        eventSource = try record.decode(String.self, forKey: .eventSource)
        eventName = try record.decode(String.self, forKey: .eventName)
        awsRegion = try record.decodeIfPresent(String.self, forKey: .awsRegion)
        userIdentity = try record.decodeIfPresent(UserIdentity.self, forKey: .userIdentity)
        let errorCode = try record.decodeIfPresent(String.self, forKey: .errorCode)
        account = try record.decodeIfPresent(String.self, forKey: .recipientAccountId)

        if eventSource != Self.ec2EventSource {
            call = .unsupported(reason: "event source \(quoted(eventSource)) is not \(Self.ec2EventSource)")
        } else if !["RunInstances", "CreateTags", "DeleteTags"].contains(eventName) {
            call = .unsupported(reason: "event \(quoted(eventName)) is not RunInstances, CreateTags or DeleteTags")
        } else if let errorCode, !errorCode.isEmpty {
            call = .unsupported(reason: "the \(eventName) call failed (\(quoted(errorCode)))")
        } else if eventName == "RunInstances" {
            let response = try record.decode(RunInstancesResponse.self, forKey: .responseElements)
            call = .runInstances(instanceIds: try Self.distinct(response.instancesSet.items.map(\.instanceId.value),
                                                                 path: record.codingPath + [CodingKeys.responseElements]))
        } else {
            let request = try record.decode(TagsRequest.self, forKey: .requestParameters)
            let instanceIds = try Self.distinct(request.resourcesSet.items.map(\.resourceId).filter(InstanceID.isValid),
                                                path: record.codingPath + [CodingKeys.requestParameters])
            let keys = request.tagSet?.items?.map(\.key)
            if eventName == "CreateTags" {
                call = .createTags(instanceIds: instanceIds, keys: keys ?? [])
            } else {
                call = .deleteTags(instanceIds: instanceIds, keys: keys?.isEmpty == false ? keys : nil)
            }
        }
    }

    /// At most this many instances per event: one DescribeInstances takes 1,000 ids.
    package static let maxInstances = 1000

    /// Drops repeated ids, keeping the first, and bounds the work one event can ask for.
    private static func distinct(_ ids: [String], path: [any CodingKey]) throws -> [String] {
        var seen = Set<String>()
        let result = ids.filter { seen.insert($0).inserted }
        guard result.count <= maxInstances else {
            throw DecodingError.dataCorrupted(.init(codingPath: path,
                debugDescription: "\(result.count) instances, more than the \(maxInstances) one event may name"))
        }
        return result
    }
}

// The wire shapes: `xxxSet.items[]`, as CloudTrail writes EC2 parameters.

private struct Items<Element: Decodable>: Decodable {
    var items: [Element]
}

/// An instance id read from an event: ids go into requests, so a malformed
/// one fails decoding, with its JSON path.
private struct CheckedInstanceID: Decodable {
    var value: String

    init(from decoder: any Decoder) throws {
        value = try decoder.singleValueContainer().decode(String.self)
        guard InstanceID.isValid(value) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "\(quoted(value)) is not an instance id (i- then 8 or 17 lower-case hex digits)"))
        }
    }
}

private struct RunInstancesResponse: Decodable {
    struct Item: Decodable { var instanceId: CheckedInstanceID }
    var instancesSet: Items<Item>
}

/// The parameters of CreateTags and DeleteTags. A DeleteTags without tags
/// deletes them all; CloudTrail then records no `tagSet` items.
private struct TagsRequest: Decodable {
    /// Any taggable resource; only `i-` ids are instances, and those must be well formed.
    struct Resource: Decodable {
        var resourceId: String

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            resourceId = try container.decode(String.self, forKey: .resourceId)
            if resourceId.hasPrefix("i-") {
                resourceId = try container.decode(CheckedInstanceID.self, forKey: .resourceId).value
            }
        }

        private enum CodingKeys: String, CodingKey { case resourceId }
    }
    struct TagItem: Decodable {
        var key: String
    }
    struct TagItems: Decodable {
        var items: [TagItem]?
    }
    var resourcesSet: Items<Resource>
    var tagSet: TagItems?
}
