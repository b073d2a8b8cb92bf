import EC2

/// Where the instances of a decision come from, which says what their tags can be trusted for.
package enum DecisionContext: Sendable, Equatable {
    /// A RunInstances event. With a self-service caller (its `principalId`),
    /// the caller owns the instances whatever their tags say. Otherwise a
    /// launched-by tag they carry came with the launch (a launch template,
    /// an Auto Scaling group), not from the function: it is not trusted, and removed.
    case launch(selfServiceCaller: String?)
    /// A change of the source tag, or a sweep: the launched-by tag, which only
    /// the function writes, records a self-service launch and is trusted.
    case existing
}

/// The tagging decision, a pure function: which instances get which
/// `ROLEID:session-name` value, which are right already, which lose a value
/// nothing backs any more, and which are skipped.
///
/// Access follows the owner: the self-service launcher (this event's, or the
/// one a launched-by tag records), else the source tag. An instance without a
/// valid owner keeps no target tag, so no session can match it.
package enum TaggingDecision {
    /// Skip reasons that do not depend on the configuration.
    package static let instanceNotFound = "instance not found"

    /// - Parameters:
    ///   - instanceIds: the instances to decide for, in result order (repeats are ignored).
    ///   - instances: what DescribeInstances reports: the truth for current tags.
    ///   - roleId: the users' role id, already validated.
    package static func plan(instanceIds: [String], instances: [Instance], roleId: String, context: DecisionContext,
                            keys: TagKeys) -> TaggingPlan {
        var described: [String: Instance] = [:]
        for instance in instances where described[instance.instanceId] == nil { described[instance.instanceId] = instance }

        var builder = PlanBuilder()
        var seen = Set<String>()
        for id in instanceIds where seen.insert(id).inserted {
            guard let instance = described[id] else {
                builder.skip(id, because: instanceNotFound)
                continue
            }
            if instance.state == "terminated" || instance.state == "shutting-down" {
                builder.skip(id, because: "instance is \(instance.state)")
                continue
            }
            switch owner(of: instance, roleId: roleId, context: context, keys: keys) {
            case .owned(let owner): builder.give(instance, to: owner, keys: keys)
            case .unowned(let reason): builder.takeAway(instance, because: reason, keys: keys)
            }
        }
        return builder.plan
    }

    struct Owner {
        /// The target tag value: `ROLEID:session-name`.
        var value: String
        /// The launched-by tag the instance must carry: the session name of a self-service launcher.
        var launchedBy: String?
        /// Set when the source tag names someone else and was ignored.
        var overriddenSource: String?
    }

    enum Ownership {
        case owned(Owner)
        case unowned(reason: String)
    }

    static func owner(of instance: Instance, roleId: String, context: DecisionContext, keys: TagKeys) -> Ownership {
        let source = instance.tags[keys.source]
        func overridden(by value: String, _ launcher: String) -> String? {
            guard let source, roleId + ":" + source != value else { return nil }
            return "\(keys.source) \(quoted(source)) ignored: the instance was launched by \(launcher) itself"
        }

        var trustsLaunchedBy = true
        switch context {
        case .launch(let caller?):
            guard isUserId(caller, of: roleId) else {
                return .unowned(reason: "launcher \(quoted(caller)) is not a valid session of role \(roleId)")
            }
            let name = String(caller.dropFirst(roleId.count + 1))
            return .owned(Owner(value: caller, launchedBy: name, overriddenSource: overridden(by: caller, caller)))
        case .launch(nil):
            trustsLaunchedBy = false
        case .existing:
            break
        }
        if trustsLaunchedBy, let launcher = instance.tags[keys.launchedBy], SessionName.isValid(launcher) {
            let value = roleId + ":" + launcher
            return .owned(Owner(value: value, launchedBy: launcher, overriddenSource: overridden(by: value, value)))
        }
        guard let source else {
            return .unowned(reason: "no \(keys.source) tag")
        }
        guard SessionName.isValid(source) else {
            return .unowned(reason: "\(keys.source) is not a valid role session name ([\\w+=,.@-]{2,64}, ASCII only)")
        }
        return .owned(Owner(value: roleId + ":" + source))
    }

    /// `ROLEID:session-name` with a valid session name: exactly an `${aws:userid}` of the role.
    static func isUserId(_ principalId: String, of roleId: String) -> Bool {
        let prefix = roleId + ":"
        return principalId.hasPrefix(prefix) && SessionName.isValid(String(principalId.dropFirst(prefix.count)))
    }
}

/// Fills a plan, one instance at a time, grouping the same tags into one call.
private struct PlanBuilder {
    private var partial = TaggingPlan()
    private var writes = TagChanges()
    private var removals = TagChanges()

    var plan: TaggingPlan {
        var plan = partial
        plan.writes = writes.changes
        plan.removals = removals.changes
        return plan
    }

    mutating func skip(_ instanceId: String, because reason: String) {
        partial.skipped.append(SkippedInstance(instanceId: instanceId, reason: reason))
    }

    mutating func give(_ instance: Instance, to owner: TaggingDecision.Owner, keys: TagKeys) {
        let id = instance.instanceId
        if let reason = owner.overriddenSource {
            partial.overridden.append(SkippedInstance(instanceId: id, reason: reason))
        }
        let currentLauncher = instance.tags[keys.launchedBy]
        let launcherIsRight = owner.launchedBy == nil || currentLauncher == owner.launchedBy
        if instance.tags[keys.target] == owner.value && launcherIsRight {
            partial.unchanged.append(TaggedInstance(instanceId: id, value: owner.value))
        } else {
            // The target tag always goes with a write: the function's policy
            // allows CreateTags only when it carries a well-formed target value.
            var tags = [Tag(key: keys.target, value: owner.value)]
            if let launcher = owner.launchedBy { tags.append(Tag(key: keys.launchedBy, value: launcher)) }
            partial.tagged.append(TaggedInstance(instanceId: id, value: owner.value))
            writes.add(tags, for: id)
        }
        if owner.launchedBy == nil, let currentLauncher {
            let why = SessionName.isValid(currentLauncher) ? "came with the launch, not from this function" : "is not a valid role session name"
            partial.revoked.append(RevokedInstance(instanceId: id, value: nil,
                                                reason: "\(keys.launchedBy) \(quoted(currentLauncher)) \(why)"))
            removals.add([Tag(key: keys.launchedBy, value: currentLauncher)], for: id)
        }
    }

    mutating func takeAway(_ instance: Instance, because reason: String, keys: TagKeys) {
        let id = instance.instanceId
        var tags: [Tag] = []
        let value = instance.tags[keys.target]
        if let value { tags.append(Tag(key: keys.target, value: value)) }
        if let launcher = instance.tags[keys.launchedBy] { tags.append(Tag(key: keys.launchedBy, value: launcher)) }
        guard !tags.isEmpty else {
            skip(id, because: reason)
            return
        }
        partial.revoked.append(RevokedInstance(instanceId: id, value: value, reason: reason))
        removals.add(tags, for: id)
    }
}

/// Calls in first-seen order, one per distinct list of tags.
private struct TagChanges {
    private(set) var changes: [TaggingPlan.TagChange] = []
    private var positions: [[Tag]: Int] = [:]

    mutating func add(_ tags: [Tag], for instanceId: String) {
        if let position = positions[tags] {
            changes[position].instanceIds.append(instanceId)
        } else {
            positions[tags] = changes.count
            changes.append(TaggingPlan.TagChange(tags: tags, instanceIds: [instanceId]))
        }
    }
}
