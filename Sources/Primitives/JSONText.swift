/// Writes JSON string literals by hand: the function's JSON (error bodies, log
/// lines, results) is a few fixed shapes, and an encoder costs start-up time.
package enum JSONText {
    /// `text` as a quoted JSON string (RFC 8259 §7): quote, backslash and
    /// control characters escaped, everything else kept as UTF-8.
    package static func quoted(_ text: String) -> String {
        var output = "\""
        appendEscaped(text, to: &output)
        output += "\""
        return output
    }

    package static func appendEscaped(_ text: String, to output: inout String) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case _ where scalar.value < 0x20:
                output += "\\u00" + hexDigit(scalar.value >> 4) + hexDigit(scalar.value & 0xF)
            default:
                output.unicodeScalars.append(scalar)
            }
        }
    }

    private static func hexDigit(_ value: UInt32) -> String {
        String(UnicodeScalar(UInt8(value < 10 ? 0x30 + value : 0x61 + value - 10)))
    }
}
