/// What a reader of a streamed document is told, in document order. The
/// parser checks well-formedness and `XMLLimits` before each call, so a
/// handler only ever sees a prefix of a valid document (a refusal can still
/// come after some calls: a handler's result counts only if the read succeeds).
///
/// A class: the parser holds it as an existential and is compiled once, in
/// this module. A parser generic over its handler would run unspecialized in
/// the handler's module, looking up generic metadata at every element (a
/// third of a large page's CPU).
package protocol XMLHandler: AnyObject {
    /// An element opens: its local name (prefix dropped) and attributes by local name.
    func start(_ name: String, attributes: [String: String])
    /// The innermost open element closes. `text` is its own character data,
    /// entities decoded, valid only during the call; empty when it is only
    /// whitespace indenting child elements.
    func end(_ name: String, text: UnsafeBufferPointer<UInt8>)
}

/// Builds the `XMLElement` tree of a document.
final class XMLTreeBuilder: XMLHandler {
    private var open: [XMLElement] = []
    private(set) var root: XMLElement?

    func start(_ name: String, attributes: [String: String]) {
        open.append(XMLElement(name: name, attributes: attributes))
    }

    func end(_ name: String, text: UnsafeBufferPointer<UInt8>) {
        var element = open.removeLast()
        element.text = String(decoding: text, as: UTF8.self)
        if open.isEmpty {
            root = element
        } else {
            open[open.count - 1].children.append(element)
        }
    }
}
