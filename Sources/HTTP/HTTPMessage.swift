import FoundationEssentials

/// Header fields in the order they were added. Names compare case-insensitively;
/// repeated names are kept (the SigV4 suite has requests with duplicate headers).
public struct HTTPHeaders: Sendable, Equatable, Sequence {
    public private(set) var fields: [(name: String, value: String)] = []

    public init(_ fields: [(String, String)] = []) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
    }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }

    /// The first value of `name`, case-insensitively.
    public subscript(name: String) -> String? {
        let lower = name.lowercased()
        return fields.first { $0.name.lowercased() == lower }?.value
    }

    public mutating func add(_ name: String, _ value: String) {
        fields.append((name: name, value: value))
    }

    /// Replaces every field named `name` with one field.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    public mutating func remove(_ name: String) {
        let lower = name.lowercased()
        fields.removeAll { $0.name.lowercased() == lower }
    }
}

/// One HTTP request as it goes on the wire.
public struct HTTPRequest: Sendable, Equatable {
    public var method: String
    public var scheme: String
    public var host: String
    /// nil for the scheme's default port.
    public var port: Int?
    /// The request target's path exactly as sent (already percent-encoded).
    public var path: String
    /// The raw query string without `?`, exactly as sent; empty for none.
    public var query: String
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(
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
    public var hostHeader: String {
        guard let port, port != Self.defaultPort(scheme) else { return host }
        return "\(host):\(port)"
    }

    public var url: String {
        "\(scheme)://\(hostHeader)\(path)" + (query.isEmpty ? "" : "?\(query)")
    }

    static func defaultPort(_ scheme: String) -> Int { scheme == "http" ? 80 : 443 }
}

public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
