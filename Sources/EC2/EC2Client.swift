import AWSQuery
import FoundationEssentials
import XML

/// One EC2 instance as DescribeInstances reports it: only what tagging needs.
package struct Instance: Sendable, Equatable {
    package var instanceId: String
    /// `pending`, `running`, `stopping`, `stopped`, `shutting-down`, `terminated`.
    package var state: String
    package var tags: [String: String]

    package init(instanceId: String, state: String, tags: [String: String]) {
        self.instanceId = instanceId
        self.state = state
        self.tags = tags
    }
}

/// A DescribeInstances filter: `Filter.N.Name` and its values.
package struct Filter: Sendable, Equatable {
    package var name: String
    package var values: [String]
    package init(name: String, values: [String]) { self.name = name; self.values = values }
}

package struct Tag: Sendable, Equatable, Hashable {
    package var key: String
    package var value: String
    package init(key: String, value: String) { self.key = key; self.value = value }
}

/// What the tagger needs of EC2; `EC2Client` is the real one.
package protocol EC2API: AnyObject {
    func describeInstances(ids: [String], deadline: Date) throws(AWSError) -> [Instance]
    func describeInstances(filters: [Filter], pageSize: Int, deadline: Date, page: ([Instance]) throws(AWSError) -> Void) throws(AWSError)
    func createTags(resourceIds: [String], tags: [Tag], dryRun: Bool, deadline: Date) throws(AWSError)
    func deleteTags(resourceIds: [String], tags: [Tag], dryRun: Bool, deadline: Date) throws(AWSError)
}

/// EC2's Query API, version 2016-11-15.
package final class EC2Client: EC2API {
    package static let apiVersion = "2016-11-15"
    private let client: QueryClient

    package init(client: QueryClient) { self.client = client }

    /// Describes exactly `ids`, in one call (DescribeInstances takes up to 1,000 ids
    /// without pagination when `MaxResults` is absent).
    package func describeInstances(ids: [String], deadline: Date) throws(AWSError) -> [Instance] {
        guard !ids.isEmpty else { return [] }
        var parameters: [(String, String)] = []
        for (index, id) in ids.enumerated() { parameters.append(("InstanceId.\(index + 1)", id)) }
        let root = try client.send(action: "DescribeInstances", parameters: parameters, deadline: deadline)
        return Self.instances(in: root)
    }

    /// Describes every instance matching `filters`, one page at a time, following `NextToken`.
    package func describeInstances(filters: [Filter], pageSize: Int, deadline: Date,
                                  page: ([Instance]) throws(AWSError) -> Void) throws(AWSError) {
        var base: [(String, String)] = [("MaxResults", String(min(1000, max(5, pageSize))))]
        for (index, filter) in filters.enumerated() {
            base.append(("Filter.\(index + 1).Name", filter.name))
            for (valueIndex, value) in filter.values.enumerated() {
                base.append(("Filter.\(index + 1).Value.\(valueIndex + 1)", value))
            }
        }
        var token: String?
        var seenTokens = Set<String>()
        repeat {
            let parameters = base + (token.map { [("NextToken", $0)] } ?? [])
            let root = try client.send(action: "DescribeInstances", parameters: parameters, deadline: deadline)
            try page(Self.instances(in: root))
            token = root.child("nextToken")?.text.nilIfEmpty
            if let token, !seenTokens.insert(token).inserted {
                throw AWSError(code: .invalidResponse, message: "DescribeInstances returned the same NextToken twice",
                               operation: "ec2:DescribeInstances")
            }
        } while token != nil
    }

    /// Writes `tags` on every resource. With `dryRun`, EC2 answers `DryRunOperation`
    /// when the call would have succeeded: that is success here.
    package func createTags(resourceIds: [String], tags: [Tag], dryRun: Bool = false, deadline: Date) throws(AWSError) {
        try changeTags(action: "CreateTags", resourceIds: resourceIds, tags: tags, dryRun: dryRun, deadline: deadline)
    }

    /// Removes `tags` from every resource, each only while it still holds the
    /// given value (EC2 deletes a tag named with a value only if the value
    /// matches), so a value another writer has just corrected is left alone.
    /// Never called without tags: EC2 would delete every tag of the resources.
    package func deleteTags(resourceIds: [String], tags: [Tag], dryRun: Bool = false, deadline: Date) throws(AWSError) {
        try changeTags(action: "DeleteTags", resourceIds: resourceIds, tags: tags, dryRun: dryRun, deadline: deadline)
    }

    private func changeTags(action: String, resourceIds: [String], tags: [Tag], dryRun: Bool, deadline: Date) throws(AWSError) {
        guard !resourceIds.isEmpty, !tags.isEmpty else { return }
        var parameters: [(String, String)] = []
        for (index, id) in resourceIds.enumerated() { parameters.append(("ResourceId.\(index + 1)", id)) }
        for (index, tag) in tags.enumerated() {
            parameters.append(("Tag.\(index + 1).Key", tag.key))
            parameters.append(("Tag.\(index + 1).Value", tag.value))
        }
        if dryRun { parameters.append(("DryRun", "true")) }
        do {
            _ = try client.send(action: action, parameters: parameters, deadline: deadline)
        } catch where dryRun && error.isService("DryRunOperation") {
            return
        }
        if dryRun {
            // A server that ignores DryRun has just changed the tags: say so
            // rather than claim a dry run.
            throw AWSError(code: .dryRunIgnored, message: "the endpoint accepted \(action) with DryRun=true instead of answering DryRunOperation",
                           operation: "ec2:\(action)")
        }
    }

    /// Reads `reservationSet/item/instancesSet/item` by local name, in any order.
    static func instances(in root: XMLElement) -> [Instance] {
        var result: [Instance] = []
        guard let reservations = root.child("reservationSet") else { return result }
        for reservation in reservations.children("item") {
            for item in reservation.child("instancesSet")?.children("item") ?? [] {
                guard let id = item.child("instanceId")?.text, !id.isEmpty else { continue }
                var tags: [String: String] = [:]
                for tag in item.child("tagSet")?.children("item") ?? [] {
                    if let key = tag.child("key")?.text { tags[key] = tag.child("value")?.text ?? "" }
                }
                let state = item.child("instanceState")?.child("name")?.text ?? ""
                result.append(Instance(instanceId: id, state: state, tags: tags))
            }
        }
        return result
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
