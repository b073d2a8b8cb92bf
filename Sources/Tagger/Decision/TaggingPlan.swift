import EC2

/// An instance and the target tag value it holds or gets.
package struct TaggedInstance: Sendable, Equatable {
    package var instanceId: String
    package var value: String
    package init(instanceId: String, value: String) { self.instanceId = instanceId; self.value = value }
}

/// An instance left alone, or a tag value not used, and why.
package struct SkippedInstance: Sendable, Equatable {
    package var instanceId: String
    package var reason: String
    package init(instanceId: String, reason: String) { self.instanceId = instanceId; self.reason = reason }
}

/// An instance whose ownership tags are removed because nothing backs them,
/// and why: `value` is the target tag value taken away (nil when only a
/// launched-by tag goes).
package struct RevokedInstance: Sendable, Equatable {
    package var instanceId: String
    package var value: String?
    package var reason: String
    package init(instanceId: String, value: String?, reason: String) {
        self.instanceId = instanceId
        self.value = value
        self.reason = reason
    }
}

/// What the decision wants done; every list keeps the order of the input ids.
package struct TaggingPlan: Sendable, Equatable {
    /// One CreateTags or DeleteTags call's worth: the same tags on several instances.
    package struct TagChange: Sendable, Equatable {
        package var tags: [Tag]
        package var instanceIds: [String]
        package init(tags: [Tag], instanceIds: [String]) { self.tags = tags; self.instanceIds = instanceIds }
    }

    /// CreateTags, one per distinct set of tags.
    package var writes: [TagChange] = []
    /// DeleteTags, one per distinct set of tags; each tag names the value it
    /// removes, so EC2 leaves a value that changed since it was read.
    package var removals: [TagChange] = []
    /// Missing or stale: what `writes` will set.
    package var tagged: [TaggedInstance] = []
    /// Already right: no write.
    package var unchanged: [TaggedInstance] = []
    package var skipped: [SkippedInstance] = []
    /// Ownership tags that `removals` take away.
    package var revoked: [RevokedInstance] = []
    /// A source tag naming someone else than the owner the function trusts (a
    /// self-service launcher): the launcher won.
    package var overridden: [SkippedInstance] = []

    package init() {}
}
