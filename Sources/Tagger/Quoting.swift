/// A value from outside (a setting, an event field) echoed in an error or a
/// reason: quoted, cut to `limit` characters, control characters shown as
/// `?`, so a hostile value cannot break a log line or bloat a result.
func quoted(_ text: String, limit: Int = 64) -> String {
    let scalars = text.unicodeScalars
    let shown = scalars.prefix(limit).map { $0.properties.generalCategory == .control ? "?" : Character($0) }
    return "'\(String(shown))\(scalars.count > limit ? "…" : "")'"
}
