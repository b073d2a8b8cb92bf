import FoundationEssentials

/// Header fields in the order they were added. Names compare case-insensitively;
/// repeated names are kept (the SigV4 suite has requests with duplicate headers).
package struct HTTPHeaders: Sendable, Equatable, Sequence {
    package private(set) var fields: [(name: String, value: String)] = []

    package init(_ fields: [(String, String)] = []) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
    }

    package static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    package func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }

    /// The first value of `name`, case-insensitively.
    package subscript(name: String) -> String? {
        let lower = name.lowercased()
        return fields.first { $0.name.lowercased() == lower }?.value
    }

    package mutating func add(_ name: String, _ value: String) {
        fields.append((name: name, value: value))
    }

    /// Replaces every field named `name` with one field.
    package mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    package mutating func remove(_ name: String) {
        let lower = name.lowercased()
        fields.removeAll { $0.name.lowercased() == lower }
    }
}

/// One HTTP request as it goes on the wire.
package struct HTTPRequest: Sendable, Equatable {
    package var method: String
    package var scheme: String
    package var host: String
    /// nil for the scheme's default port.
    package var port: Int?
    /// The request target's path exactly as sent (already percent-encoded).
    package var path: String
    /// The raw query string without `?`, exactly as sent; empty for none.
    package var query: String
    package var headers: HTTPHeaders
    package var body: [UInt8]

    package init(
        method: String, scheme: String = "https", host: String, port: Int? = nil,
        path: String = "/", query: String = "", headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []
    ) {
        self.method = method
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// `host` or `host:port`: the value of the Host header, which keeps a non-default port.
    package var hostHeader: String {
        guard let port, port != Self.defaultPort(scheme) else { return host }
        return "\(host):\(port)"
    }

    package var url: String {
        "\(scheme)://\(hostHeader)\(path)" + (query.isEmpty ? "" : "?\(query)")
    }

    static func defaultPort(_ scheme: String) -> Int { scheme == "http" ? 80 : 443 }
}

package struct HTTPResponse: Sendable, Equatable {
    package var status: Int
    package var headers: HTTPHeaders
    package var body: [UInt8]

    package init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
