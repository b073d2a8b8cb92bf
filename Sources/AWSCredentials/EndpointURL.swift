import FoundationEssentials
import HTTP
#if canImport(Glibc)
import Glibc
#endif

/// An `http://` or `https://` URL given for a credentials endpoint
/// (`AWS_CONTAINER_CREDENTIALS_FULL_URI`, `AWS_EC2_METADATA_SERVICE_ENDPOINT`):
/// host (IPv6 in brackets), port, path and query, nothing else.
struct EndpointURL: Equatable, CustomStringConvertible {
    var scheme: String
    /// As written, brackets kept around an IPv6 address.
    var host: String
    var port: Int?
    var path: String
    var query: String

    /// nil, with why, for anything else: another scheme, user information, a fragment, a bad port.
    static func parse(_ text: String) -> Result<EndpointURL, URLProblem> {
        let scheme: String
        var rest: Substring
        if text.lowercased().hasPrefix("https://") { scheme = "https"; rest = text.dropFirst(8) }
        else if text.lowercased().hasPrefix("http://") { scheme = "http"; rest = text.dropFirst(7) }
        else { return .failure(.init("must start with http:// or https://")) }
        guard !rest.contains("#") else { return .failure(.init("must not have a fragment")) }
        var query = ""
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: mark)...])
            rest = rest[..<mark]
        }
        var path = "/"
        if let slash = rest.firstIndex(of: "/") {
            path = String(rest[slash...])
            rest = rest[..<slash]
        }
        guard !rest.contains("@") else { return .failure(.init("must not carry user information")) }
        var host = rest
        var port: Int?
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]"), !(rest.hasPrefix("[") && !rest[..<colon].contains("]")) {
            guard let number = Int(rest[rest.index(after: colon)...]), (1...65535).contains(number) else {
                return .failure(.init("has an invalid port"))
            }
            port = number
            host = rest[..<colon]
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
        let valid: Bool
        if host.hasPrefix("[") {
            valid = host.hasSuffix("]") && host.count > 2 && host.dropFirst().dropLast().allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        } else {
            valid = !host.isEmpty && host.allSatisfy { allowed.contains($0) }
        }
        guard valid else { return .failure(.init("has an invalid host")) }
        let printable = (path + query).unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }
        guard printable else { return .failure(.init("has a space or a character outside printable ASCII in its path")) }
        return .success(EndpointURL(scheme: scheme, host: String(host), port: port, path: path, query: query))
    }

    struct URLProblem: Error, Equatable { var text: String; init(_ text: String) { self.text = text } }

    var description: String {
        "\(scheme)://\(host)\(port.map { ":\($0)" } ?? "")\(path)" + (query.isEmpty ? "" : "?\(query)")
    }

    /// A request to this URL's host and port; `path` and `query` are the URL's unless given.
    func request(method: String, path: String? = nil, query: String? = nil, headers: [(String, String)]) -> HTTPRequest {
        HTTPRequest(method: method, scheme: scheme, host: host, port: port, path: path ?? self.path, query: query ?? self.query,
                    headers: HTTPHeaders(headers))
    }

    /// The host without the brackets of an IPv6 address.
    var bareHost: String { host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host }
}

/// The hosts a container credentials endpoint may have over plain http, as
/// the AWS SDKs and Tools Reference Guide (Container credential provider)
/// and the SDKs define them: the loopback range (127.0.0.0/8, ::1), the ECS
/// container host 169.254.170.2 and the EKS Pod Identity hosts
/// 169.254.170.23 and fd00:ec2::23. A host name qualifies only when every
/// address it resolves to does. Over https any host is allowed.
enum ContainerHosts {
    static func isAllowedOverHTTP(_ host: String) -> Bool {
        if let allowed = literalVerdict(host) { return allowed }
        // A name: every address it resolves to must be allowed (as botocore and the Rust SDK check).
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &results) == 0, let first = results else { return false }
        defer { freeaddrinfo(results) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        var sawOne = false
        while let current = entry {
            let info = current.pointee
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            switch info.ai_family {
            case AF_INET:
                info.ai_addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    var raw = address.pointee.sin_addr
                    _ = inet_ntop(AF_INET, &raw, &text, socklen_t(text.count))
                }
            case AF_INET6:
                info.ai_addr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    var raw = address.pointee.sin6_addr
                    _ = inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count))
                }
            default:
                return false
            }
            let address = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard literalVerdict(address) == true else { return false }
            sawOne = true
            entry = info.ai_next
        }
        return sawOne
    }

    /// true or false for an IP address, nil for a name.
    static func literalVerdict(_ host: String) -> Bool? {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        var v4 = in_addr()
        if inet_pton(AF_INET, bare, &v4) == 1 {
            let bytes = withUnsafeBytes(of: v4.s_addr) { Array($0) }
            return bytes[0] == 127 || bytes == [169, 254, 170, 2] || bytes == [169, 254, 170, 23]
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, bare, &v6) == 1 {
            let bytes = withUnsafeBytes(of: v6) { Array($0) }
            let loopback: [UInt8] = Array(repeating: 0, count: 15) + [1]
            let eksPodIdentity: [UInt8] = [0xfd, 0x00, 0x0e, 0xc2] + Array(repeating: 0, count: 11) + [0x23]
            return bytes == loopback || bytes == eksPodIdentity
        }
        return nil
    }
}
