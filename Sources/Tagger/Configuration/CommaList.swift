/// The entries of a comma-separated setting, spaces and tabs around each
/// trimmed; nil for the first empty entry (a stray comma is a typo, not "all").
enum CommaList {
    static func entries(_ text: String) -> [String]? {
        var entries: [String] = []
        for entry in text.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = entry.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()
            guard !trimmed.isEmpty else { return nil }
            entries.append(String(trimmed))
        }
        return entries
    }
}
