import AWSQuery
import EC2
import Foundation
import TestSupport
import IAM
import Primitives

/// EC2 as the tagger sees it: a table of instances, every call recorded.
/// Like EC2, a DescribeInstances naming an unknown id fails the whole batch
/// with `InvalidInstanceID.NotFound`, naming the unknown ids.
final class FakeEC2: EC2API {
    enum Call: Equatable {
        case describeIds([String])
        case describeFilters([Filter], pageSize: Int)
        case createTags([String], [Tag], dryRun: Bool)
        case deleteTags([String], [Tag], dryRun: Bool)
    }

    var instances: [String: Instance] = [:]
    private(set) var calls: [Call] = []
    /// Ids EC2 does not show yet: each describe that asks for one of them
    /// uses up one of its remaining misses (eventual consistency).
    var pendingVisibility: [String: Int] = [:]
    /// False: the NotFound message names no id (some older answers did not).
    var namesMissingIds = true
    /// Instances per page of a filtered describe.
    var pageSize = 2
    var failure: AWSError?
    /// Called at each DescribeInstances, before it answers.
    var onDescribe: (() -> Void)?

    init(_ instances: [Instance] = []) {
        for instance in instances { self.instances[instance.instanceId] = instance }
    }

    /// CreateTags and DeleteTags calls, in order.
    var writes: [Call] {
        calls.filter {
            switch $0 {
            case .createTags, .deleteTags: true
            default: false
            }
        }
    }

    func describeInstances(ids: [String], deadline: Date) throws(AWSError) -> [Instance] {
        calls.append(.describeIds(ids))
        onDescribe?()
        if let failure { throw failure }
        var missing: [String] = []
        for id in ids {
            if let misses = pendingVisibility[id], misses > 0 {
                pendingVisibility[id] = misses - 1
                missing.append(id)
            } else if instances[id] == nil {
                missing.append(id)
            }
        }
        guard missing.isEmpty else {
            let message = !namesMissingIds ? "Some instance IDs do not exist"
                : missing.count == 1 ? "The instance ID '\(missing[0])' does not exist"
                : "The instance IDs '\(missing.joined(separator: ", "))' do not exist"
            throw AWSError(code: .service("InvalidInstanceID.NotFound"), message: message, httpStatus: 400, operation: "ec2:DescribeInstances")
        }
        return ids.compactMap { instances[$0] }
    }

    func describeInstances(filters: [Filter], pageSize: Int, keepingTags tagKeys: Set<String>?, deadline: Date,
                           page: ([Instance]) throws(AWSError) -> Void) throws(AWSError) {
        calls.append(.describeFilters(filters, pageSize: pageSize))
        if let failure { throw failure }
        let matching = instances.values.sorted { $0.instanceId < $1.instanceId }.filter { instance in
            filters.allSatisfy { filter in
                switch filter.name {
                case "tag-key": filter.values.contains { instance.tags[$0] != nil }
                case "instance-state-name": filter.values.contains(instance.state)
                default: false
                }
            }
        }
        let kept = matching.map { instance in
            Instance(instanceId: instance.instanceId, state: instance.state,
                     tags: tagKeys.map { keys in instance.tags.filter { keys.contains($0.key) } } ?? instance.tags)
        }
        for start in stride(from: 0, to: kept.count, by: self.pageSize) {
            try page(Array(kept[start..<min(start + self.pageSize, kept.count)]))
        }
    }

    func createTags(resourceIds: [String], tags: [Tag], dryRun: Bool, deadline: Date) throws(AWSError) {
        calls.append(.createTags(resourceIds, tags, dryRun: dryRun))
        if let failure { throw failure }
        guard !dryRun else { return }
        for id in resourceIds {
            for tag in tags { instances[id]?.tags[tag.key] = tag.value }
        }
    }
}

extension FakeEC2 {
    /// Like EC2: a tag named with a value goes only while it holds that value.
    func deleteTags(resourceIds: [String], tags: [Tag], dryRun: Bool, deadline: Date) throws(AWSError) {
        calls.append(.deleteTags(resourceIds, tags, dryRun: dryRun))
        if let failure { throw failure }
        guard !dryRun else { return }
        for id in resourceIds {
            for tag in tags where instances[id]?.tags[tag.key] == tag.value { instances[id]?.tags[tag.key] = nil }
        }
    }
}

/// IAM with one role; counts GetRole calls.
final class FakeIAM: IAMAPI {
    var role: Role
    private(set) var getRoleCalls: [String] = []
    var failure: AWSError?

    init(role: Role) { self.role = role }

    func getRole(name: String, deadline: Date) throws(AWSError) -> Role {
        getRoleCalls.append(name)
        if let failure { throw failure }
        guard name == role.roleName else {
            throw AWSError(code: .service("NoSuchEntity"), message: "The role with name \(name) cannot be found.", httpStatus: 404, operation: "iam:GetRole")
        }
        return role
    }
}
