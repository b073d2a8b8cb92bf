import AWSQuery
import Primitives
/// What one invocation did: the `invoke`/`reconcile` output and the Lambda response.
package struct TaggingResult: Sendable, Equatable {
    package var tagged: [TaggedInstance] = []
    package var unchanged: [TaggedInstance] = []
    package var skipped: [SkippedInstance] = []
    /// Target (or launched-by) tags removed because nothing backs them any more.
    package var revoked: [RevokedInstance] = []
    package var overridden: [SkippedInstance] = []
    /// Set when the event needed no work: why.
    package var ignored: String?
    /// How many account and region sweeps made this result (0: an event).
    package var sweeps = 0
    /// Central mode's scheduled sweep: how many sweep requests it published.
    package var sweepRequests: Int?
    /// True when CreateTags and DeleteTags were sent with `DryRun=true`:
    /// `tagged` and `revoked` are what would have been written and removed.
    package var dryRun = false

    package init(plan: TaggingPlan, dryRun: Bool) {
        tagged = plan.tagged
        unchanged = plan.unchanged
        skipped = plan.skipped
        revoked = plan.revoked
        overridden = plan.overridden
        self.dryRun = dryRun
    }

    package init(ignored reason: String, dryRun: Bool) {
        ignored = reason
        self.dryRun = dryRun
    }

    /// `{"tagged":[{"instanceId","value"}],"unchanged":[…],"skipped":[{"instanceId","reason"}]}`
    /// then, only when there is something to say, `"revoked":[{"instanceId","value","reason"}]`
    /// (`value` only when a target tag was removed), `"overridden"`, `"ignored"` and `"dryRun":true`.
    /// Keys in a fixed order, no spaces: the same result always gives the same bytes.
    package var json: String {
        var out = "{\"tagged\":" + list(tagged.map { ($0.instanceId, "value", $0.value) })
        out += ",\"unchanged\":" + list(unchanged.map { ($0.instanceId, "value", $0.value) })
        out += ",\"skipped\":" + list(skipped.map { ($0.instanceId, "reason", $0.reason) })
        if !revoked.isEmpty {
            out += ",\"revoked\":[" + revoked.map { entry in
                "{\"instanceId\":\(JSONText.quoted(entry.instanceId))"
                    + (entry.value.map { ",\"value\":" + JSONText.quoted($0) } ?? "")
                    + ",\"reason\":\(JSONText.quoted(entry.reason))}"
            }.joined(separator: ",") + "]"
        }
        if !overridden.isEmpty { out += ",\"overridden\":" + list(overridden.map { ($0.instanceId, "reason", $0.reason) }) }
        if let sweepRequests { out += ",\"sweepRequests\":\(sweepRequests)" }
        if let ignored { out += ",\"ignored\":" + JSONText.quoted(ignored) }
        if dryRun { out += ",\"dryRun\":true" }
        return out + "}"
    }

    private func list(_ entries: [(String, String, String)]) -> String {
        "[" + entries.map { id, key, text in
            "{\"instanceId\":\(JSONText.quoted(id)),\"\(key)\":\(JSONText.quoted(text))}"
        }.joined(separator: ",") + "]"
    }
}

extension TaggingResult {
    /// Adds another sweep's outcome (central mode sweeps several accounts and
    /// regions in one invocation; instance ids are unique across them).
    mutating func append(_ other: TaggingResult) {
        tagged += other.tagged
        unchanged += other.unchanged
        skipped += other.skipped
        revoked += other.revoked
        sweeps += other.sweeps
        overridden += other.overridden
    }
}

extension TaggingResult {
    /// The one log line of an outcome: counts, then what each changed
    /// instance was given or lost and why anything was skipped, so the log
    /// alone says who was granted or denied access (the first
    /// `summaryEntries` of each kind; the result has them all).
    package var summary: String {
        if let ignored { return "ignored: \(ignored)" }
        if let sweepRequests {
            return "\(dryRun ? "dry run: would publish" : "published") \(sweepRequests) sweep requests, one per account"
        }
        var text = "\(dryRun ? "dry run: would tag" : "tagged") \(tagged.count), unchanged \(unchanged.count), skipped \(skipped.count)"
        if !revoked.isEmpty { text += ", \(dryRun ? "would revoke" : "revoked") \(revoked.count)" }
        func append<Entry>(_ entries: [Entry], _ describe: (Entry) -> String) {
            for entry in entries.prefix(Self.summaryEntries) { text += "; " + describe(entry) }
            if entries.count > Self.summaryEntries { text += "; … \(entries.count - Self.summaryEntries) more" }
        }
        append(tagged) { "\($0.instanceId) \(dryRun ? "would be tagged" : "tagged") \($0.value)" }
        append(skipped) { "\($0.instanceId): \($0.reason)" }
        append(revoked) { "\($0.instanceId) \(dryRun ? "would lose" : "revoked")\($0.value.map { " " + $0 } ?? ""): \($0.reason)" }
        append(overridden) { "\($0.instanceId): \($0.reason)" }
        return text
    }

    package static let summaryEntries = 20
}
