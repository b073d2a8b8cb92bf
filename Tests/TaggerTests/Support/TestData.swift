import EC2
import Foundation
@testable import Tagger

enum TestData {
    static let roleId = "AROAEXAMPLEID1234567"
    static let roleName = "Okta-ServiceWorkbenchUser"

    static func configuration(trustedLaunchers: [String] = [], roleId: String? = nil, region: String = "us-east-1") -> TaggerConfiguration {
        TaggerConfiguration(roleName: roleName, roleId: roleId, trustedLaunchers: trustedLaunchers.compactMap(ARNPattern.init),
                            region: region)
    }

    static func instance(_ id: String, createdBy: String? = nil, userId: String? = nil, launchedBy: String? = nil,
                         state: String = "running") -> Instance {
        var tags = ["Name": "workspace"]
        tags["CreatedBy"] = createdBy
        tags["AwsUserId"] = userId
        tags["AwsUserIdLaunchedBy"] = launchedBy
        return Instance(instanceId: id, state: state, tags: tags)
    }

    /// A real CloudTrail record from `Fixtures/cloudtrail` (see SOURCES.md).
    static func record(_ name: String) throws -> Data {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures/cloudtrail") else {
            throw MissingFixture(name: name)
        }
        return try Data(contentsOf: url)
    }

    /// A sample event of the repository's `events/` folder.
    static func sample(_ name: String) throws -> Data {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return try Data(contentsOf: root.appendingPathComponent("events").appendingPathComponent(name))
    }

    /// Wraps a CloudTrail record as EventBridge delivers it (synthetic envelope:
    /// the fields documented in the EventBridge User Guide, "Amazon EventBridge events").
    /// Its `account` is the record's `recipientAccountId`, as EventBridge sets it, unless given.
    static func envelope(_ record: Data, detailType: String = "AWS API Call via CloudTrail", source: String = "aws.ec2",
                         account: String? = nil) throws -> Data {
        let detail = try JSONSerialization.jsonObject(with: record)
        let event: [String: Any] = [
            "version": "0", "id": "00000000-0000-4000-8000-000000000000", "detail-type": detailType, "source": source,
            "account": account ?? ((detail as? [String: Any])?["recipientAccountId"] as? String) ?? "111122223333", "time": "2026-11-25T10:15:00Z", "region": "us-east-1", "resources": [], "detail": detail,
        ]
        return try JSONSerialization.data(withJSONObject: event)
    }

    /// The platform's launch role, as CloudTrail shows a session of it.
    static let platformLauncher = """
        {"type":"AssumedRole","principalId":"AROAEXAMPLELAUNCH0001:servicecatalog",
         "arn":"arn:aws:sts::111122223333:assumed-role/swb-LaunchConstraint/servicecatalog",
         "sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLELAUNCH0001",
           "arn":"arn:aws:iam::111122223333:role/swb-LaunchConstraint","userName":"swb-LaunchConstraint"}}}
        """

    /// A session of the users' role: a self-service launch.
    static func userLauncher(principalId: String = "AROAEXAMPLEID1234567:tim.malone") -> String {
        """
        {"type":"AssumedRole","principalId":"\(principalId)",
         "arn":"arn:aws:sts::111122223333:assumed-role/Okta-ServiceWorkbenchUser/tim.malone",
         "sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLEID1234567",
           "arn":"arn:aws:iam::111122223333:role/Okta-ServiceWorkbenchUser","userName":"Okta-ServiceWorkbenchUser"}}}
        """
    }

    /// A minimal bare RunInstances record (written from the CloudTrail record
    /// format), for variants the real records do not cover.
    static func runInstances(ids: [String], region: String = "\"us-east-1\"", launcher: String = platformLauncher) -> Data {
        let items = ids.map { "{\"instanceId\":\"\($0)\",\"instanceState\":{\"code\":0,\"name\":\"pending\"}}" }
        return Data("""
            {"eventVersion":"1.10","eventSource":"ec2.amazonaws.com","eventName":"RunInstances","awsRegion":\(region),
             "userIdentity":\(launcher),"requestParameters":{"instancesSet":{"items":[{"minCount":1,"maxCount":1}]}},
             "responseElements":{"instancesSet":{"items":[\(items.joined(separator: ","))]}}}
            """.utf8)
    }

    /// A minimal bare CreateTags record.
    static func createTags(resourceIds: [String], tags: [(String, String)], launcher: String = platformLauncher) -> Data {
        let resources = resourceIds.map { "{\"resourceId\":\"\($0)\"}" }.joined(separator: ",")
        let tagItems = tags.map { "{\"key\":\"\($0.0)\",\"value\":\"\($0.1)\"}" }.joined(separator: ",")
        return Data("""
            {"eventSource":"ec2.amazonaws.com","eventName":"CreateTags","awsRegion":"us-east-1","userIdentity":\(launcher),
             "requestParameters":{"resourcesSet":{"items":[\(resources)]},"tagSet":{"items":[\(tagItems)]}},
             "responseElements":{"_return":true}}
            """.utf8)
    }

    /// A minimal bare DeleteTags record (values left out, as a caller may).
    static func deleteTags(resourceIds: [String], keys: [String], launcher: String = platformLauncher) -> Data {
        let resources = resourceIds.map { "{\"resourceId\":\"\($0)\"}" }.joined(separator: ",")
        let tagItems = keys.map { "{\"key\":\"\($0)\"}" }.joined(separator: ",")
        return Data("""
            {"eventSource":"ec2.amazonaws.com","eventName":"DeleteTags","awsRegion":"us-east-1","userIdentity":\(launcher),
             "requestParameters":{"resourcesSet":{"items":[\(resources)]},"tagSet":{"items":[\(tagItems)]}},
             "responseElements":{"_return":true}}
            """.utf8)
    }

    /// `json` with one piece of text replaced; fails the test if it is absent.
    static func replacing(_ target: String, with replacement: String, in json: Data) throws -> Data {
        let text = String(decoding: json, as: UTF8.self)
        guard text.contains(target) else { throw MissingFixture(name: target) }
        return Data(text.replacingOccurrences(of: target, with: replacement).utf8)
    }

    struct MissingFixture: Error { var name: String }
}
