import EC2

/// An instance and the target tag value it holds or gets.
public struct TaggedInstance: Sendable, Equatable {
    public var instanceId: String
    public var value: String
    public init(instanceId: String, value: String) { self.instanceId = instanceId; self.value = value }
}

/// An instance left alone, or a tag value not used, and why.
public struct SkippedInstance: Sendable, Equatable {
    public var instanceId: String
    public var reason: String
    public init(instanceId: String, reason: String) { self.instanceId = instanceId; self.reason = reason }
}

/// An instance whose ownership tags are removed because nothing backs them,
/// and why: `value` is the target tag value taken away (nil when only a
/// launched-by tag goes).
public struct RevokedInstance: Sendable, Equatable {
    public var instanceId: String
    public var value: String?
    public var reason: String
    public init(instanceId: String, value: String?, reason: String) {
        self.instanceId = instanceId
        self.value = value
        self.reason = reason
    }
}

/// What the decision wants done; every list keeps the order of the input ids.
public struct TaggingPlan: Sendable, Equatable {
    /// One CreateTags or DeleteTags call's worth: the same tags on several instances.
    public struct TagChange: Sendable, Equatable {
        public var tags: [Tag]
        public var instanceIds: [String]
        public init(tags: [Tag], instanceIds: [String]) { self.tags = tags; self.instanceIds = instanceIds }
    }

    /// CreateTags, one per distinct set of tags.
    public var writes: [TagChange] = []
    /// DeleteTags, one per distinct set of tags; each tag names the value it
    /// removes, so EC2 leaves a value that changed since it was read.
    public var removals: [TagChange] = []
    /// Missing or stale: what `writes` will set.
    public var tagged: [TaggedInstance] = []
    /// Already right: no write.
    public var unchanged: [TaggedInstance] = []
    public var skipped: [SkippedInstance] = []
    /// Ownership tags that `removals` take away.
    public var revoked: [RevokedInstance] = []
    /// A source tag naming someone else than the owner the function trusts (a
    /// self-service launcher): the launcher won.
    public var overridden: [SkippedInstance] = []

    public init() {}
}
