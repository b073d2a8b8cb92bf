/// Lower-case hexadecimal, the form SigV4 uses for hashes and signatures.
enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func append(_ bytes: [UInt8], to output: inout [UInt8]) {
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
    }

    static func string(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        append(bytes, to: &output)
        return String(decoding: output, as: UTF8.self)
    }
}
