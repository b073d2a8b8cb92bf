import FoundationEssentials

/// One element of a parsed XML document, by local name (namespace prefixes
/// dropped). AWS responses are read by local name only, never by namespace or
/// element order: moto and real AWS differ in both, and so may AWS over time.
package struct XMLElement: Sendable, Equatable {
    package var name: String
    /// Attributes by local name; `xmlns` declarations are not kept.
    package var attributes: [String: String]
    package var children: [XMLElement]
    /// The element's own character data, entities decoded, concatenated.
    /// Whitespace that only indents child elements (pretty-printing) is dropped:
    /// an element with children whose own text is all whitespace has `""`.
    package var text: String

    package init(name: String, attributes: [String: String] = [:], children: [XMLElement] = [], text: String = "") {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    /// The first child named `name`.
    package func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }

    /// Every child named `name`, in document order.
    package func children(_ name: String) -> [XMLElement] { children.filter { $0.name == name } }

    /// The first element named `name` in document order, this one included.
    /// Recursion is bounded: the reader refuses documents deeper than `XMLLimits.maxDepth`.
    package func firstDescendant(_ name: String) -> XMLElement? {
        if self.name == name { return self }
        for child in children { if let found = child.firstDescendant(name) { return found } }
        return nil
    }
}
