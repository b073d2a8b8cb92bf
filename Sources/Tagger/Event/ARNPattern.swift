/// One `TRUSTED_LAUNCHERS` entry: an ARN where `*` stands for any run of
/// characters, `/` and `:` included (as in IAM policy resources).
package struct ARNPattern: Sendable, Equatable, CustomStringConvertible {
    package let pattern: String
    private let bytes: [UInt8]

    /// nil unless `text` starts with `arn:` and has at most 2048 characters (IAM's ARN limit).
    package init?(_ text: String) {
        guard text.hasPrefix("arn:"), text.utf8.count <= 2048 else { return nil }
        pattern = text
        bytes = Array(text.utf8)
    }

    package var description: String { pattern }

    /// Glob match with single-star backtracking: linear in practice, at most
    /// pattern × ARN steps, and both are bounded.
    package func matches(_ arn: String) -> Bool {
        let text = Array(arn.utf8)
        var p = 0, t = 0
        var star: Int?, resume = 0
        while t < text.count {
            if p < bytes.count, bytes[p] == UInt8(ascii: "*") {
                star = p
                resume = t
                p += 1
            } else if p < bytes.count, bytes[p] == text[t] {
                p += 1
                t += 1
            } else if let star {
                p = star + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < bytes.count, bytes[p] == UInt8(ascii: "*") { p += 1 }
        return p == bytes.count
    }
}
