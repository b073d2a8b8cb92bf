/// Why a document was refused, and where. The message names the construct at
/// fault but never quotes more than a short name from the document.
package struct XMLError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Kind: String, Sendable {
        /// Not well-formed: a broken tag, attribute, reference or comment.
        case malformed
        /// The document ends inside a construct or with elements still open.
        case truncated
        case mismatchedTag
        /// Character data or a second element outside the root element.
        case outsideRoot
        case invalidUTF8
        /// A code point XML does not allow (NUL, most C0 controls, U+FFFE), literal or referenced.
        case invalidCharacter
        /// A DOCTYPE: refused, so no entity can ever be declared or expanded.
        case doctype
        /// A named entity other than the five predefined ones.
        case undefinedEntity
        /// A processing instruction other than the leading XML declaration.
        case processingInstruction
        /// An XML declaration naming an encoding other than UTF-8 (or its subset US-ASCII).
        case unsupportedEncoding
        case tooLarge
        case tooDeep
        case tooManyElements
    }

    package var kind: Kind
    package var message: String
    /// Byte offset in the document where the problem was found.
    package var offset: Int

    package init(_ kind: Kind, _ message: String, offset: Int) {
        self.kind = kind
        self.message = message
        self.offset = offset
    }

    package init(_ message: String, offset: Int) {
        self.init(.malformed, message, offset: offset)
    }

    package var description: String { "invalid XML at byte \(offset): \(message)" }
}
