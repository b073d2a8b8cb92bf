/// Bounds on what the reader accepts, so a hostile or broken body costs no
/// more than a large genuine AWS response. Each is checked before the work it bounds.
package struct XMLLimits: Sendable, Equatable {
    /// Deepest element nesting. DescribeInstances, the deepest response we read,
    /// nests about 12 levels; the parser keeps its own stack, so this bounds memory, not recursion.
    package var maxDepth: Int
    /// Largest body in bytes. A DescribeInstances page in AWS's pretty-printed
    /// layout takes about 6.5 KB per instance (measured on moto's fields; real
    /// instances carry more), so pages of 1,000 instances come close: page by a few hundred.
    package var maxDocumentSize: Int
    /// Most elements in one document (a DescribeInstances instance has about 100).
    package var maxElementCount: Int

    package init(maxDepth: Int, maxDocumentSize: Int, maxElementCount: Int) {
        self.maxDepth = maxDepth
        self.maxDocumentSize = maxDocumentSize
        self.maxElementCount = maxElementCount
    }

    /// 64 levels, 8 MiB, 250,000 elements.
    package static let `default` = XMLLimits(maxDepth: 64, maxDocumentSize: 8 << 20, maxElementCount: 250_000)
}
