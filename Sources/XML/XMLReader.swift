/// Reads the XML that AWS Query APIs answer with into an `XMLElement` tree.
///
/// Accepts UTF-8 with an optional BOM and XML declaration, elements and
/// attributes by local name, comments, CDATA, the five predefined entities and
/// character references. Refuses, without expanding anything: DOCTYPE (so no
/// entity declarations, no billion laughs, no external entities), other named
/// entities, processing instructions after the declaration (AWS never sends
/// them; an unknown instruction is a sign of a wrong endpoint, not data to
/// skip), and anything beyond `XMLLimits`.
///
/// `parse` builds the tree; `read` streams the same document, with the same
/// checks and limits, into a handler that keeps only what it needs.
package enum XMLReader {
    package static func parse(_ bytes: [UInt8], limits: XMLLimits = .default) throws(XMLError) -> XMLElement {
        let builder = try read(bytes, limits: limits, into: XMLTreeBuilder())
        guard let root = builder.root else { throw XMLError(.truncated, "document has no root element", offset: bytes.count) }
        return root
    }

    /// Streams `bytes` into `handler` and returns it.
    /// - Throws: as `parse` does, for the same documents.
    @discardableResult
    package static func read<Handler: XMLHandler>(_ bytes: [UInt8], limits: XMLLimits = .default,
                                                  into handler: Handler) throws(XMLError) -> Handler {
        try stream(bytes, limits: limits, into: handler)
        return handler
    }

    private static func stream(_ bytes: [UInt8], limits: XMLLimits, into handler: any XMLHandler) throws(XMLError) {
        guard bytes.count <= limits.maxDocumentSize else {
            throw XMLError(.tooLarge, "document of \(bytes.count) bytes exceeds the limit of \(limits.maxDocumentSize)",
                           offset: limits.maxDocumentSize)
        }
        try XMLCharacters.validate(bytes)
        var parser = XMLParser(bytes: bytes, limits: limits, handler: handler)
        try parser.parseDocument()
    }
}
