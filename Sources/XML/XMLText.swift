/// Turns raw character data into the bytes of its value: line ends normalised
/// (XML 1.0 §2.11: CR LF and lone CR become LF), references decoded (§4.1) in
/// content and attribute values, and attribute whitespace normalised (§3.3.3).
/// Runs with nothing to change are copied in one go.
enum XMLText {
    enum Mode {
        case content
        /// CDATA: no references, only line ends are normalised.
        case cdata
        /// Also turns tab, LF and CR into a space.
        case attributeValue
    }

    /// The longest reference we look at, `;` included: `&#x` and 6 hex digits
    /// plus room for leading zeros, and longer than any predefined entity.
    static let maxReferenceLength = 32

    static func append(_ bytes: [UInt8], _ range: Range<Int>, mode: Mode, to output: inout [UInt8]) throws(XMLError) {
        var runStart = range.lowerBound
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            let special = byte == UInt8(ascii: "&") ? mode != .cdata
                : byte == 0x0D ? true
                : (byte == 0x0A || byte == 0x09) ? mode == .attributeValue
                : false
            guard special else {
                index += 1
                continue
            }
            output.append(contentsOf: bytes[runStart..<index])
            if byte == UInt8(ascii: "&") {
                index = try appendReference(bytes, at: index, end: range.upperBound, to: &output)
            } else {
                output.append(mode == .attributeValue ? 0x20 : 0x0A)
                index += 1
                if byte == 0x0D, index < range.upperBound, bytes[index] == 0x0A { index += 1 }
            }
            runStart = index
        }
        output.append(contentsOf: bytes[runStart..<range.upperBound])
    }

    /// Decodes the reference starting with `&` at `start`; returns the index after its `;`.
    private static func appendReference(_ bytes: [UInt8], at start: Int, end: Int, to output: inout [UInt8]) throws(XMLError) -> Int {
        let searchEnd = min(end, start + maxReferenceLength)
        guard let semicolon = bytes[(start + 1)..<searchEnd].firstIndex(of: UInt8(ascii: ";")) else {
            throw XMLError("'&' must start a reference such as &amp; ending with ';'", offset: start)
        }
        let name = bytes[(start + 1)..<semicolon]
        switch String(decoding: name, as: UTF8.self) {
        case "lt": output.append(UInt8(ascii: "<"))
        case "gt": output.append(UInt8(ascii: ">"))
        case "amp": output.append(UInt8(ascii: "&"))
        case "quot": output.append(UInt8(ascii: "\""))
        case "apos": output.append(UInt8(ascii: "'"))
        case let text where text.hasPrefix("#"):
            guard let scalar = characterReference(name.dropFirst()) else {
                throw XMLError("malformed character reference &\(text);", offset: start)
            }
            guard XMLCharacters.isAllowed(scalar), let unicode = Unicode.Scalar(scalar) else {
                throw XMLError(.invalidCharacter, "character reference &\(text); is not an allowed XML character", offset: start)
            }
            output.append(contentsOf: unicode.utf8)
        case let text:
            guard let first = name.first, XMLCharacters.isNameStart(first), name.allSatisfy(XMLCharacters.isName) else {
                throw XMLError("malformed reference &\(text);", offset: start)
            }
            throw XMLError(.undefinedEntity, "entity &\(text); is not one of the five predefined entities", offset: start)
        }
        return semicolon + 1
    }

    /// The value of `123` or `x7B` (after `&#`), nil unless it is all digits of
    /// its base; values past U+10FFFF come back as 0x110000 (not allowed).
    private static func characterReference(_ digits: ArraySlice<UInt8>) -> UInt32? {
        var digits = digits
        var radix: UInt32 = 10
        if digits.first == UInt8(ascii: "x") {
            radix = 16
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty else { return nil }
        var value: UInt32 = 0
        for digit in digits {
            let number: UInt32
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): number = UInt32(digit - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16: number = UInt32(digit - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F") where radix == 16: number = UInt32(digit - UInt8(ascii: "A") + 10)
            default: return nil
            }
            value = min(value * radix + number, 0x110000)
        }
        return value
    }
}
