/// Reads a document in one forward pass over validated UTF-8, telling
/// `handler` of each element as it opens and closes, with an explicit stack
/// of open elements: no recursion, so a deep document costs heap bounded by
/// `XMLLimits.maxDepth`, never the call stack, and no tree is kept unless the
/// handler builds one.
struct XMLParser {
    private let bytes: [UInt8]
    private let limits: XMLLimits
    private let handler: any XMLHandler
    private var position = 0
    private var open: [OpenElement] = []
    /// Character data of every open element, outermost first. A child's text is
    /// appended after its parent's and cut off when the child closes, so each
    /// element's own text stays one contiguous run without a buffer per element.
    private var text: [UInt8] = []
    private var elementCount = 0
    private var rootClosed = false

    private struct OpenElement {
        var name: String
        /// The start tag's name as written (prefix included), which the end tag must repeat.
        var qualifiedName: Range<Int>
        var hasChildren = false
        var textStart: Int
    }

    init(bytes: [UInt8], limits: XMLLimits, handler: any XMLHandler) {
        self.bytes = bytes
        self.limits = limits
        self.handler = handler
    }

    mutating func parseDocument() throws(XMLError) {
        if matches(XMLLiterals.byteOrderMark) { position = XMLLiterals.byteOrderMark.count }
        try parseDeclarationIfPresent()
        while position < bytes.count {
            if open.isEmpty {
                skipWhitespace()
                guard position < bytes.count else { break }
                guard bytes[position] == UInt8(ascii: "<") else {
                    throw XMLError(.outsideRoot, "character data outside the root element", offset: position)
                }
            }
            if bytes[position] == UInt8(ascii: "<") {
                try parseMarkup()
            } else {
                try parseCharacterData()
            }
        }
        if let innermost = open.last {
            throw XMLError(.truncated, "document ends before <\(Self.shown(innermost.name))> is closed", offset: bytes.count)
        }
        guard rootClosed else { throw XMLError(.truncated, "document has no root element", offset: bytes.count) }
    }

    // MARK: Markup

    private mutating func parseMarkup() throws(XMLError) {
        if matches(XMLLiterals.endTagOpen) {
            try parseEndTag()
        } else if matches(XMLLiterals.commentOpen) {
            try skipComment()
        } else if matches(XMLLiterals.cdataOpen) {
            try parseCDATA()
        } else if matches(XMLLiterals.doctypeOpen) {
            throw XMLError(.doctype, "DOCTYPE is not accepted (no entity declarations are ever expanded)", offset: position)
        } else if matches(XMLLiterals.processingInstructionOpen) {
            throw XMLError(.processingInstruction,
                           "processing instructions are not accepted (the XML declaration only at the very start)", offset: position)
        } else if matches(XMLLiterals.declarationOpen) {
            throw XMLError("markup declarations such as <!ENTITY> are not accepted", offset: position)
        } else {
            try parseStartTag()
        }
    }

    private mutating func parseStartTag() throws(XMLError) {
        let start = position
        position += 1
        let qualifiedName = try readName()
        let name = try localName(qualifiedName)
        guard open.count > 0 || !rootClosed else {
            throw XMLError(.outsideRoot, "second root element <\(Self.shown(name))>", offset: start)
        }
        guard open.count < limits.maxDepth else {
            throw XMLError(.tooDeep, "elements nest deeper than \(limits.maxDepth) levels", offset: start)
        }
        elementCount += 1
        guard elementCount <= limits.maxElementCount else {
            throw XMLError(.tooManyElements, "more than \(limits.maxElementCount) elements", offset: start)
        }
        var attributes: [String: String] = [:]
        while true {
            let spaced = skipWhitespace()
            guard position < bytes.count else { throw truncated("start tag <\(Self.shown(name))") }
            switch bytes[position] {
            case UInt8(ascii: ">"):
                position += 1
                openElement(name, qualifiedName: qualifiedName, attributes: attributes)
                return
            case UInt8(ascii: "/"):
                guard position + 1 < bytes.count else { throw truncated("start tag <\(Self.shown(name))") }
                guard bytes[position + 1] == UInt8(ascii: ">") else {
                    throw XMLError("expected '/>' in start tag <\(Self.shown(name))>", offset: position)
                }
                position += 2
                openElement(name, qualifiedName: qualifiedName, attributes: attributes)
                closeInnermost()
                return
            default:
                guard spaced else { throw XMLError("expected whitespace, '>' or '/>' in start tag <\(Self.shown(name))>", offset: position) }
                try parseAttribute(into: &attributes, element: name)
            }
        }
    }

    /// `name="value"` or `name='value'`; the value may hold `>` and the other quote.
    /// Namespace declarations (`xmlns`, `xmlns:p`) are read and dropped.
    private mutating func parseAttribute(into attributes: inout [String: String], element: String) throws(XMLError) {
        let start = position
        let qualifiedName = try readName()
        skipWhitespace()
        guard position < bytes.count else { throw truncated("start tag <\(Self.shown(element))") }
        guard bytes[position] == UInt8(ascii: "=") else {
            throw XMLError("expected '=' after an attribute name in <\(Self.shown(element))>", offset: position)
        }
        position += 1
        skipWhitespace()
        guard position < bytes.count else { throw truncated("start tag <\(Self.shown(element))") }
        let quote = bytes[position]
        guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
            throw XMLError("attribute values in <\(Self.shown(element))> must be quoted", offset: position)
        }
        let valueStart = position + 1
        guard let valueEnd = bytes[valueStart...].firstIndex(of: quote) else { throw truncated("attribute value in <\(Self.shown(element))>") }
        if let lessThan = bytes[valueStart..<valueEnd].firstIndex(of: UInt8(ascii: "<")) {
            throw XMLError("'<' is not allowed in an attribute value", offset: lessThan)
        }
        position = valueEnd + 1
        let qualified = bytes[qualifiedName]
        if qualified.elementsEqual(XMLLiterals.xmlns) || qualified.starts(with: XMLLiterals.xmlnsPrefix) { return }
        var value: [UInt8] = []
        try XMLText.append(bytes, valueStart..<valueEnd, mode: .attributeValue, to: &value)
        let name = try localName(qualifiedName)
        guard attributes.updateValue(String(decoding: value, as: UTF8.self), forKey: name) == nil else {
            throw XMLError("attribute '\(Self.shown(name))' appears twice in <\(Self.shown(element))>", offset: start)
        }
    }

    private mutating func parseEndTag() throws(XMLError) {
        let start = position
        position += XMLLiterals.endTagOpen.count
        let qualifiedName = try readName()
        skipWhitespace()
        guard position < bytes.count else { throw truncated("end tag") }
        guard bytes[position] == UInt8(ascii: ">") else { throw XMLError("expected '>' to finish an end tag", offset: position) }
        position += 1
        guard let innermost = open.last else {
            throw XMLError(.outsideRoot, "end tag </\(Self.shown(bytes[qualifiedName]))> without a start tag",
                           offset: start)
        }
        guard bytes[qualifiedName].elementsEqual(bytes[innermost.qualifiedName]) else {
            throw XMLError(.mismatchedTag, "</\(Self.shown(bytes[qualifiedName]))> does not close "
                           + "<\(Self.shown(bytes[innermost.qualifiedName]))>", offset: start)
        }
        closeInnermost()
    }

    private mutating func openElement(_ name: String, qualifiedName: Range<Int>, attributes: [String: String]) {
        if !open.isEmpty { open[open.count - 1].hasChildren = true }
        open.append(OpenElement(name: name, qualifiedName: qualifiedName, textStart: text.count))
        handler.start(name, attributes: attributes)
    }

    /// Hands the innermost element's own text to the handler and removes it
    /// from the scratch buffer; the text is empty for whitespace that only
    /// indents children. Read through a buffer pointer, not a slice: a live
    /// slice would make the removal copy the whole buffer, which holds every
    /// open ancestor's text (quadratic on long lists).
    private mutating func closeInnermost() {
        let element = open.removeLast()
        let start = element.textStart
        text.withUnsafeBufferPointer { buffer in
            var own = UnsafeBufferPointer(rebasing: buffer[min(start, buffer.count)...])
            if element.hasChildren && own.allSatisfy(XMLCharacters.isWhitespace) { own = UnsafeBufferPointer(rebasing: own[own.endIndex...]) }
            handler.end(element.name, text: own)
        }
        if start < text.count { text.removeLast(text.count - start) }
        if open.isEmpty { rootClosed = true }
    }

    // MARK: Character data, comments, CDATA, declaration

    private mutating func parseCharacterData() throws(XMLError) {
        let end = bytes[position...].firstIndex(of: UInt8(ascii: "<")) ?? bytes.count
        try XMLText.append(bytes, position..<end, mode: .content, to: &text)
        try checkTextSize(at: position)
        position = end
    }

    private func checkTextSize(at offset: Int) throws(XMLError) {
        guard text.count <= limits.maxTextSize else {
            throw XMLError(.tooLarge, "more than \(limits.maxTextSize) bytes of character data", offset: offset)
        }
    }

    private mutating func skipComment() throws(XMLError) {
        guard let end = find(XMLLiterals.commentClose, from: position + XMLLiterals.commentOpen.count) else { throw truncated("comment") }
        position = end + XMLLiterals.commentClose.count
    }

    /// `<![CDATA[…]]>`: everything up to the first `]]>` is text, `]` and `]]` included.
    private mutating func parseCDATA() throws(XMLError) {
        guard !open.isEmpty else { throw XMLError(.outsideRoot, "CDATA section outside the root element", offset: position) }
        let contentStart = position + XMLLiterals.cdataOpen.count
        guard let end = find(XMLLiterals.cdataClose, from: contentStart) else { throw truncated("CDATA section") }
        try XMLText.append(bytes, contentStart..<end, mode: .cdata, to: &text)
        try checkTextSize(at: contentStart)
        position = end + XMLLiterals.cdataClose.count
    }

    /// `<?xml version="1.0" encoding="…"?>`, only as the very first thing. The
    /// bytes are always read as UTF-8, so a declaration of another encoding is refused.
    private mutating func parseDeclarationIfPresent() throws(XMLError) {
        guard matches(XMLLiterals.xmlDeclarationOpen) else { return }
        let afterTarget = position + XMLLiterals.xmlDeclarationOpen.count
        guard afterTarget < bytes.count else { throw truncated("XML declaration") }
        guard XMLCharacters.isWhitespace(bytes[afterTarget]) || bytes[afterTarget] == UInt8(ascii: "?") else {
            return  // `<?xml-stylesheet…`: a processing instruction, refused by the main loop
        }
        guard let end = find(XMLLiterals.processingInstructionClose, from: afterTarget) else { throw truncated("XML declaration") }
        if let encoding = declaredEncoding(in: afterTarget..<end) {
            guard XMLLiterals.acceptedEncodings.contains(encoding.lowercased()) else {
                throw XMLError(.unsupportedEncoding, "the document declares encoding '\(encoding.prefix(32))'; only UTF-8 is read",
                               offset: position)
            }
        }
        position = end + XMLLiterals.processingInstructionClose.count
    }

    private func declaredEncoding(in range: Range<Int>) -> String? {
        guard var index = find(XMLLiterals.encodingKeyword, from: range.lowerBound, before: range.upperBound) else { return nil }
        index += XMLLiterals.encodingKeyword.count
        while index < range.upperBound, XMLCharacters.isWhitespace(bytes[index]) || bytes[index] == UInt8(ascii: "=") { index += 1 }
        guard index < range.upperBound else { return "" }
        let quote = bytes[index]
        guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'"),
              let close = bytes[(index + 1)..<range.upperBound].firstIndex(of: quote)
        else { return "" }
        return String(decoding: bytes[(index + 1)..<close], as: UTF8.self)
    }

    // MARK: Scanning

    private mutating func readName() throws(XMLError) -> Range<Int> {
        let start = position
        guard position < bytes.count else { throw truncated("name") }
        guard XMLCharacters.isNameStart(bytes[position]) else { throw XMLError("expected a name", offset: position) }
        position += 1
        while position < bytes.count, XMLCharacters.isName(bytes[position]) { position += 1 }
        return start..<position
    }

    /// The part after the last `:` (`ec2:Code` → `Code`); prefixes are not resolved.
    private func localName(_ qualifiedName: Range<Int>) throws(XMLError) -> String {
        let colon = bytes[qualifiedName].lastIndex(of: UInt8(ascii: ":"))
        let localStart = colon.map { $0 + 1 } ?? qualifiedName.lowerBound
        guard localStart < qualifiedName.upperBound, XMLCharacters.isNameStart(bytes[localStart]) else {
            throw XMLError("'\(Self.shown(bytes[qualifiedName]))' is not a valid name", offset: qualifiedName.lowerBound)
        }
        return String(decoding: bytes[localStart..<qualifiedName.upperBound], as: UTF8.self)
    }

    @discardableResult
    private mutating func skipWhitespace() -> Bool {
        let start = position
        while position < bytes.count, XMLCharacters.isWhitespace(bytes[position]) { position += 1 }
        return position > start
    }

    private func matches(_ literal: [UInt8]) -> Bool {
        bytes.count - position >= literal.count && bytes[position..<(position + literal.count)].elementsEqual(literal)
    }

    /// Index of the first occurrence of `literal` that starts at or after `start`
    /// and ends by `end` (the end of the document unless given).
    private func find(_ literal: [UInt8], from start: Int, before end: Int? = nil) -> Int? {
        let end = end ?? bytes.count
        var index = start
        while index + literal.count <= end {
            guard let candidate = bytes[index...(end - literal.count)].firstIndex(of: literal[0]) else { return nil }
            if bytes[candidate..<(candidate + literal.count)].elementsEqual(literal) { return candidate }
            index = candidate + 1
        }
        return nil
    }

    /// A name as error messages quote it: at most 64 bytes, however long the document's.
    private static func shown(_ name: String) -> String {
        name.utf8.count <= 64 ? name : String(decoding: name.utf8.prefix(64), as: UTF8.self) + "…"
    }

    private static func shown(_ name: ArraySlice<UInt8>) -> String {
        shown(String(decoding: name.prefix(65), as: UTF8.self))
    }

    private func truncated(_ construct: String) -> XMLError {
        XMLError(.truncated, "document ends inside a \(construct)", offset: bytes.count)
    }
}

/// The fixed byte strings the parser looks for.
private enum XMLLiterals {
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
    static let xmlDeclarationOpen = Array("<?xml".utf8)
    static let encodingKeyword = Array("encoding".utf8)
    static let acceptedEncodings: Set<String> = ["utf-8", "utf8", "us-ascii"]
    static let processingInstructionOpen = Array("<?".utf8)
    static let processingInstructionClose = Array("?>".utf8)
    static let endTagOpen = Array("</".utf8)
    static let commentOpen = Array("<!--".utf8)
    static let commentClose = Array("-->".utf8)
    static let cdataOpen = Array("<![CDATA[".utf8)
    static let cdataClose = Array("]]>".utf8)
    static let doctypeOpen = Array("<!DOCTYPE".utf8)
    static let declarationOpen = Array("<!".utf8)
    static let xmlns = Array("xmlns".utf8)
    static let xmlnsPrefix = Array("xmlns:".utf8)
}
