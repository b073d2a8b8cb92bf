extension TaggingResult {
    /// Adds another sweep's outcome (central mode sweeps several accounts and
    /// regions in one invocation; instance ids are unique across them).
    mutating func append(_ other: TaggingResult) {
        tagged += other.tagged
        unchanged += other.unchanged
        skipped += other.skipped
        revoked += other.revoked
        overridden += other.overridden
    }
}
