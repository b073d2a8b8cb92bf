/// The canonical headers block and the signed-headers list: names
/// lower-cased and sorted, values trimmed with every whitespace run (spaces,
/// tabs, the line breaks of a folded value) collapsed to one space, and the
/// values of a repeated name joined by `,` in the order they were sent.
struct CanonicalHeaders {
    /// `name:value\n` for each signed name, sorted.
    private(set) var block: [UInt8] = []
    /// `host;x-amz-date;...`
    private(set) var signedHeaders: [UInt8] = []

    /// Headers a proxy or the transport may add or change on the way, where
    /// signing them would break the signature (aws-c-auth's list), and the
    /// Authorization header a signature can never cover.
    static let unsignedNames: Set<[UInt8]> = Set(
        ["authorization", "user-agent", "expect", "transfer-encoding", "x-amzn-trace-id"].map { Array($0.utf8) })

    init(_ headers: [(name: String, value: String)]) {
        var fields: [(name: [UInt8], order: Int, value: [UInt8])] = []
        fields.reserveCapacity(headers.count)
        for (order, field) in headers.enumerated() {
            let name = field.name.utf8.map(\.asciiLowercased)
            guard !Self.unsignedNames.contains(name) else { continue }
            fields.append((name, order, Self.normalizedValue(field.value)))
        }
        fields.sort { $0.name == $1.name ? $0.order < $1.order : $0.name.lexicographicallyPrecedes($1.name) }

        block.reserveCapacity(fields.reduce(0) { $0 + $1.name.count + $1.value.count + 2 })
        var previousName: [UInt8]?
        for field in fields {
            if field.name == previousName {
                block.removeLast()  // the `\n` of that name's line
                block.append(UInt8(ascii: ","))
            } else {
                if previousName != nil { signedHeaders.append(UInt8(ascii: ";")) }
                signedHeaders.append(contentsOf: field.name)
                block.append(contentsOf: field.name)
                block.append(UInt8(ascii: ":"))
            }
            block.append(contentsOf: field.value)
            block.append(UInt8(ascii: "\n"))
            previousName = field.name
        }
    }

    /// Trims the value and collapses each whitespace run to one space,
    /// writing into a buffer sized once (the result is never longer).
    private static func normalizedValue(_ value: String) -> [UInt8] {
        // Native strings are contiguous UTF-8: scanning the buffer directly is
        // several times faster than iterating the UTF8View (tokens are ~1 KB).
        value.utf8.withContiguousStorageIfAvailable(normalized) ?? normalized(Array(value.utf8))
    }

    private static func normalized<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: bytes.count) { output, count in
            var pendingSpace = false
            for byte in bytes {
                switch byte {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                    pendingSpace = count > 0
                default:
                    if pendingSpace {
                        output[count] = UInt8(ascii: " ")
                        count += 1
                        pendingSpace = false
                    }
                    output[count] = byte
                    count += 1
                }
            }
        }
    }
}
