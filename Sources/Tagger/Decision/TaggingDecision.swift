import EC2

/// The tagging decision, a pure function: which instances get which
/// `ROLEID:session-name` value, which are right already, and which are skipped.
public enum TaggingDecision {
    /// Skip reasons that do not depend on the configuration.
    public static let instanceNotFound = "instance not found"

    /// - Parameters:
    ///   - instanceIds: the instances to decide for, in result order (repeats are ignored).
    ///   - instances: what DescribeInstances reports: the truth for current tags.
    ///   - roleId: the users' role id, already validated.
    ///   - selfServiceCaller: the launcher's `principalId` when the users' role
    ///     itself launched the instances; it owns them whatever the source tag says.
    public static func plan(instanceIds: [String], instances: [Instance], roleId: String, selfServiceCaller: String?,
                            sourceTagKey: String, targetTagKey: String) -> TaggingPlan {
        var described: [String: Instance] = [:]
        for instance in instances where described[instance.instanceId] == nil { described[instance.instanceId] = instance }
        let callerIsValid = selfServiceCaller.map { isUserId($0, of: roleId) } ?? false

        var plan = TaggingPlan()
        var writeIndex: [String: Int] = [:]
        var seen = Set<String>()
        for id in instanceIds where seen.insert(id).inserted {
            guard let instance = described[id] else {
                plan.skipped.append(SkippedInstance(instanceId: id, reason: instanceNotFound))
                continue
            }
            if instance.state == "terminated" || instance.state == "shutting-down" {
                plan.skipped.append(SkippedInstance(instanceId: id, reason: "instance is \(instance.state)"))
                continue
            }
            let sourceValue = instance.tags[sourceTagKey]
            let value: String
            if let caller = selfServiceCaller {
                guard callerIsValid else {
                    plan.skipped.append(SkippedInstance(instanceId: id,
                        reason: "launcher \(quoted(caller)) is not a valid session of role \(roleId)"))
                    continue
                }
                value = caller
                if let sourceValue, roleId + ":" + sourceValue != caller {
                    plan.overridden.append(SkippedInstance(instanceId: id,
                        reason: "\(sourceTagKey) \(quoted(sourceValue)) ignored: the instance was launched by \(caller) itself"))
                }
            } else {
                guard let sourceValue else {
                    plan.skipped.append(SkippedInstance(instanceId: id, reason: "no \(sourceTagKey) tag"))
                    continue
                }
                guard SessionName.isValid(sourceValue) else {
                    plan.skipped.append(SkippedInstance(instanceId: id,
                        reason: "\(sourceTagKey) is not a valid role session name ([\\w+=,.@-]{2,64}, ASCII only)"))
                    continue
                }
                value = roleId + ":" + sourceValue
            }

            if instance.tags[targetTagKey] == value {
                plan.unchanged.append(TaggedInstance(instanceId: id, value: value))
                continue
            }
            plan.tagged.append(TaggedInstance(instanceId: id, value: value))
            if let index = writeIndex[value] {
                plan.writes[index].instanceIds.append(id)
            } else {
                writeIndex[value] = plan.writes.count
                plan.writes.append(TaggingPlan.Write(value: value, instanceIds: [id]))
            }
        }
        return plan
    }

    /// `ROLEID:session-name` with a valid session name: exactly an `${aws:userid}` of the role.
    static func isUserId(_ principalId: String, of roleId: String) -> Bool {
        let prefix = roleId + ":"
        return principalId.hasPrefix(prefix) && SessionName.isValid(String(principalId.dropFirst(prefix.count)))
    }
}
