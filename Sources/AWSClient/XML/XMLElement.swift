import FoundationEssentials

// PLACEHOLDER API — the XML helper replaces this file (keep the public names).

/// One element of a parsed XML document, by local name (namespace prefixes dropped).
public struct XMLElement: Sendable, Equatable {
    public var name: String
    public var attributes: [String: String]
    public var children: [XMLElement]
    /// The element's own character data, entities decoded, concatenated.
    public var text: String

    public init(name: String, attributes: [String: String] = [:], children: [XMLElement] = [], text: String = "") {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    public func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }
    public func children(_ name: String) -> [XMLElement] { children.filter { $0.name == name } }
    /// The first element named `name` in document order, this one included.
    public func firstDescendant(_ name: String) -> XMLElement? {
        if self.name == name { return self }
        for child in children { if let found = child.firstDescendant(name) { return found } }
        return nil
    }
}

public struct XMLError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public init(_ message: String, offset: Int) { self.message = message; self.offset = offset }
    public var description: String { "invalid XML at byte \(offset): \(message)" }
}

public enum XMLReader {
    public static func parse(_ bytes: [UInt8]) throws(XMLError) -> XMLElement {
        throw XMLError("not implemented", offset: 0)
    }
}
