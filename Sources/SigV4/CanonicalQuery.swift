/// The canonical query string: every `key=value` pair of the raw query
/// (repeated keys kept, a key without `=` gets an empty value) decoded, then
/// URI-encoded, sorted by encoded key and then encoded value, joined by `&`.
enum CanonicalQuery {
    static func append(query: String, to output: inout [UInt8]) {
        guard !query.isEmpty else { return }
        var pairs: [(key: [UInt8], value: [UInt8])] = []
        for parameter in query.utf8.split(separator: UInt8(ascii: "&")) {
            let bytes = Array(parameter)
            let equals = bytes.firstIndex(of: UInt8(ascii: "=")) ?? bytes.endIndex
            let value = equals < bytes.endIndex ? bytes[(equals + 1)...] : []
            pairs.append((encoded(bytes[..<equals]), encoded(value)))
        }
        pairs.sort { $0.key == $1.key ? $0.value.lexicographicallyPrecedes($1.value) : $0.key.lexicographicallyPrecedes($1.key) }
        for (position, pair) in pairs.enumerated() {
            if position > 0 { output.append(UInt8(ascii: "&")) }
            output.append(contentsOf: pair.key)
            output.append(UInt8(ascii: "="))
            output.append(contentsOf: pair.value)
        }
    }

    private static func encoded(_ raw: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(raw.count)
        URIEncoding.append(encoding: URIEncoding.decoded(raw), to: &output)
        return output
    }
}
