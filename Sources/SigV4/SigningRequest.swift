/// The parts of an HTTP request a SigV4 signature covers, exactly as they go
/// on the wire. The signer needs nothing else, so it depends on no HTTP type
/// and no transport; callers copy their request in and the signed headers out.
package struct SigningRequest: Sendable {
    package var method: String
    /// The Host header's value: the host, with the port when it is not the scheme's default.
    package var host: String
    /// The request target's path exactly as sent (already percent-encoded).
    package var path: String
    /// The raw query string without `?`, exactly as sent; empty for none.
    package var query: String
    /// Header fields in the order they are sent; a repeated name is kept.
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]

    package init(method: String, host: String, path: String = "/", query: String = "",
                headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.host = host
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The first value of header `name`, compared ASCII case-insensitively.
    package func header(_ name: String) -> String? {
        headers.first { Self.sameName($0.name, name) }?.value
    }

    func containsHeader(_ name: String) -> Bool {
        headers.contains { Self.sameName($0.name, name) }
    }

    /// Replaces every field named `name` with one field at the end.
    mutating func setHeader(_ name: String, to value: String) {
        removeHeader(name)
        headers.append((name: name, value: value))
    }

    mutating func removeHeader(_ name: String) {
        if containsHeader(name) { headers.removeAll { Self.sameName($0.name, name) } }
    }

    /// Compares in place, without lower-casing copies (an allocation per field for long names).
    private static func sameName(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8) { $0.asciiLowercased == $1.asciiLowercased }
    }
}

extension UInt8 {
    /// `A`-`Z` mapped to `a`-`z`; every other byte unchanged (header names are ASCII).
    var asciiLowercased: UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self) ? self | 0x20 : self
    }
}
