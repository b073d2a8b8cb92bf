/// Reads the XML that AWS Query APIs answer with into an `XMLElement` tree.
///
/// Accepts UTF-8 with an optional BOM and XML declaration, elements and
/// attributes by local name, comments, CDATA, the five predefined entities and
/// character references. Refuses, without expanding anything: DOCTYPE (so no
/// entity declarations, no billion laughs, no external entities), other named
/// entities, processing instructions after the declaration (AWS never sends
/// them; an unknown instruction is a sign of a wrong endpoint, not data to
/// skip), and anything beyond `XMLLimits`.
package enum XMLReader {
    package static func parse(_ bytes: [UInt8], limits: XMLLimits = .default) throws(XMLError) -> XMLElement {
        guard bytes.count <= limits.maxDocumentSize else {
            throw XMLError(.tooLarge, "document of \(bytes.count) bytes exceeds the limit of \(limits.maxDocumentSize)",
                           offset: limits.maxDocumentSize)
        }
        try XMLCharacters.validate(bytes)
        var parser = XMLParser(bytes: bytes, limits: limits)
        return try parser.parseDocument()
    }
}
