/// What one invocation did: the `invoke`/`reconcile` output and the Lambda response.
public struct TaggingResult: Sendable, Equatable {
    public var tagged: [TaggedInstance] = []
    public var unchanged: [TaggedInstance] = []
    public var skipped: [SkippedInstance] = []
    public var overridden: [SkippedInstance] = []
    /// Set when the event needed no work: why.
    public var ignored: String?
    /// True when CreateTags was sent with `DryRun=true`: `tagged` is what would have been written.
    public var dryRun = false

    public init(plan: TaggingPlan, dryRun: Bool) {
        tagged = plan.tagged
        unchanged = plan.unchanged
        skipped = plan.skipped
        overridden = plan.overridden
        self.dryRun = dryRun
    }

    public init(ignored reason: String, dryRun: Bool) {
        ignored = reason
        self.dryRun = dryRun
    }

    /// `{"tagged":[{"instanceId","value"}],"unchanged":[…],"skipped":[{"instanceId","reason"}]}`
    /// then, only when there is something to say, `"overridden"`, `"ignored"` and `"dryRun":true`.
    /// Keys in a fixed order, no spaces: the same result always gives the same bytes.
    public var json: String {
        var out = "{\"tagged\":" + list(tagged.map { ($0.instanceId, "value", $0.value) })
        out += ",\"unchanged\":" + list(unchanged.map { ($0.instanceId, "value", $0.value) })
        out += ",\"skipped\":" + list(skipped.map { ($0.instanceId, "reason", $0.reason) })
        if !overridden.isEmpty { out += ",\"overridden\":" + list(overridden.map { ($0.instanceId, "reason", $0.reason) }) }
        if let ignored { out += ",\"ignored\":" + JSONString.quote(ignored) }
        if dryRun { out += ",\"dryRun\":true" }
        return out + "}"
    }

    private func list(_ entries: [(String, String, String)]) -> String {
        "[" + entries.map { id, key, text in
            "{\"instanceId\":\(JSONString.quote(id)),\"\(key)\":\(JSONString.quote(text))}"
        }.joined(separator: ",") + "]"
    }
}

enum JSONString {
    /// A JSON string literal (RFC 8259 §7): quote, backslash and control characters escaped.
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
