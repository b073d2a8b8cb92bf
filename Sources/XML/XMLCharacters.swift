/// Byte classes of XML 1.0 (section 2.2 `Char`, 2.3 `S` and `Name`) and the
/// one-pass check that a document is UTF-8 made only of allowed characters.
enum XMLCharacters {
    /// Checks the whole document once, so the parser can build strings from
    /// byte ranges without re-validating them.
    static func validate(_ bytes: [UInt8]) throws(XMLError) {
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                guard lead >= 0x20 || lead == 0x09 || lead == 0x0A || lead == 0x0D else {
                    throw XMLError(.invalidCharacter, "control character U+\(hex(UInt32(lead))) is not allowed in XML", offset: index)
                }
                index += 1
                continue
            }
            let length: Int
            var scalar: UInt32
            switch lead {
            case 0xC2...0xDF: length = 2; scalar = UInt32(lead & 0x1F)
            case 0xE0...0xEF: length = 3; scalar = UInt32(lead & 0x0F)
            case 0xF0...0xF4: length = 4; scalar = UInt32(lead & 0x07)
            default: throw invalidUTF8(at: index)
            }
            guard index + length <= count else { throw invalidUTF8(at: index) }
            for offset in 1..<length {
                let continuation = bytes[index + offset]
                guard continuation & 0xC0 == 0x80 else { throw invalidUTF8(at: index) }
                scalar = scalar << 6 | UInt32(continuation & 0x3F)
            }
            // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
            let smallest: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
            guard scalar >= smallest, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else {
                throw invalidUTF8(at: index)
            }
            guard isAllowed(scalar) else {
                throw XMLError(.invalidCharacter, "U+\(hex(scalar)) is not allowed in XML", offset: index)
            }
            index += length
        }
    }

    /// XML 1.0 `Char`: tab, newline, carriage return, and everything from
    /// U+0020 except surrogates, U+FFFE and U+FFFF.
    static func isAllowed(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x09, 0x0A, 0x0D, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
    }

    /// ASCII letters, `_`, `:` and any non-ASCII byte (already validated UTF-8).
    @inline(__always)
    static func isNameStart(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "_"), UInt8(ascii: ":"), 0x80...0xFF:
            true
        default:
            false
        }
    }

    @inline(__always)
    static func isName(_ byte: UInt8) -> Bool {
        isNameStart(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return digits.count < 4 ? String(repeating: "0", count: 4 - digits.count) + digits : digits
    }

    private static func invalidUTF8(at offset: Int) -> XMLError {
        XMLError(.invalidUTF8, "invalid UTF-8 sequence", offset: offset)
    }
}
