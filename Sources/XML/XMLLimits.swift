/// Bounds on what the reader accepts, so a hostile or broken body costs no
/// more than a large genuine AWS response. Each is checked before the work it bounds.
package struct XMLLimits: Sendable, Equatable {
    /// Deepest element nesting. DescribeInstances, the deepest response we read,
    /// nests about 12 levels; the parser keeps its own stack, so this bounds memory, not recursion.
    package var maxDepth: Int
    /// Largest body in bytes. Responses other than DescribeInstances pages
    /// (which set their own) are a few kilobytes.
    package var maxDocumentSize: Int
    /// Most elements in one document (a DescribeInstances instance has about 100).
    package var maxElementCount: Int
    /// Most character data held at once: the text of every open element. No
    /// value AWS sends us comes near it (a tag value is 256 characters, a role's
    /// trust policy a few kilobytes), and a reader that keeps no tree must not
    /// be made to hold a body-sized string.
    package var maxTextSize: Int

    package init(maxDepth: Int, maxDocumentSize: Int, maxElementCount: Int, maxTextSize: Int = 1 << 20) {
        self.maxDepth = maxDepth
        self.maxDocumentSize = maxDocumentSize
        self.maxElementCount = maxElementCount
        self.maxTextSize = maxTextSize
    }

    /// 64 levels, 8 MiB, 250,000 elements, 1 MiB of text.
    package static let `default` = XMLLimits(maxDepth: 64, maxDocumentSize: 8 << 20, maxElementCount: 250_000)
}
