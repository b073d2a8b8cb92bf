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
    /// - Parameter tagKeys: the tags each instance keeps (nil: all of them).
    func describeInstances(filters: [Filter], pageSize: Int, keepingTags tagKeys: Set<String>?, deadline: Date,
                           page: ([Instance]) throws(AWSError) -> Void) throws(AWSError)
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
        return try client.send(action: "DescribeInstances", parameters: parameters, deadline: deadline) { body throws(XMLError) in
            try DescribeInstancesPage.read(body).instances
        }
    }

    /// Describes every instance matching `filters`, one page at a time, following
    /// `NextToken`; each page is read as a stream, keeping only `tagKeys`.
    package func describeInstances(filters: [Filter], pageSize: Int, keepingTags tagKeys: Set<String>? = nil, deadline: Date,
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
            let answer = try client.send(action: "DescribeInstances", parameters: parameters, deadline: deadline) { body throws(XMLError) in
                try DescribeInstancesPage.read(body, keepingTags: tagKeys)
            }
            try page(answer.instances)
            token = answer.nextToken
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
}
