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

/// What the decision wants done; every list keeps the order of the input ids.
public struct TaggingPlan: Sendable, Equatable {
    /// One CreateTags per distinct value.
    public struct Write: Sendable, Equatable {
        public var value: String
        public var instanceIds: [String]
    }

    public var writes: [Write] = []
    /// Missing or stale: what `writes` will set.
    public var tagged: [TaggedInstance] = []
    /// Already right: no write.
    public var unchanged: [TaggedInstance] = []
    public var skipped: [SkippedInstance] = []
    /// Self-service launches whose source tag named someone else: the launcher won.
    public var overridden: [SkippedInstance] = []
}
