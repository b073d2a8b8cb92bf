import FoundationEssentials
import Primitives

/// Where a service's requests go and how they are signed.
package struct Endpoint: Sendable, Equatable, CustomStringConvertible {
    package var scheme: String
    package var host: String
    package var port: Int?
    /// The path prefix of an override URL; "/" for AWS's own endpoints.
    package var path: String
    package var signingRegion: String
    package var signingName: String

    package init(scheme: String = "https", host: String, port: Int? = nil, path: String = "/", signingRegion: String, signingName: String) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = path
        self.signingRegion = signingRegion
        self.signingName = signingName
    }

    package var description: String {
        "\(scheme)://\(host)\(port.map { ":\($0)" } ?? "")\(path) (signed for \(signingRegion)/\(signingName))"
    }

    /// What one connection can serve: scheme, host and port (the default one when none is given).
    package var origin: String { "\(scheme)://\(host.lowercased()):\(port ?? (scheme == "https" ? 443 : 80))" }
}

/// Resolves service endpoints for a region, honouring the `AWS_ENDPOINT_URL`
/// family of overrides (the only place plain http is accepted).
package struct EndpointResolver: Sendable {
    struct Override: Sendable { var scheme: String; var host: String; var port: Int?; var path: String }
    private var overrides: [String: Override] = [:]  // service id ("EC2", "IAM", "STS", "ORGANIZATIONS") or "" for the global one

    package init(environment: [String: String]) throws(ConfigurationError) {
        for (name, value) in environment where name == "AWS_ENDPOINT_URL" || name.hasPrefix("AWS_ENDPOINT_URL_") {
            guard !value.isEmpty else { continue }
            let service = name == "AWS_ENDPOINT_URL" ? "" : String(name.dropFirst("AWS_ENDPOINT_URL_".count))
            overrides[service] = try Self.parse(value, setting: name)
        }
    }

    /// - Parameter service: the endpoint prefix and signing name, `ec2`, `iam`, `sts`, `events` or `organizations`.
    package func endpoint(service: String, region: String) throws(ConfigurationError) -> Endpoint {
        guard let partition = Partition(region: region) else {
            throw ConfigurationError(setting: "region", problem: Region.problem(region))
        }
        // IAM and Organizations are global: one endpoint per partition, whatever the region.
        let global: (host: String, signingRegion: String)? = switch service {
        case "iam": partition.iamEndpoint
        case "organizations": partition.organizationsEndpoint
        default: nil
        }
        let signingRegion = global?.signingRegion ?? region
        if let override = overrides[Self.serviceId(service)] ?? overrides[""] {
            return Endpoint(scheme: override.scheme, host: override.host, port: override.port, path: override.path,
                            signingRegion: signingRegion, signingName: service)
        }
        let host = global?.host ?? "\(service).\(region).\(partition.dnsSuffix)"
        return Endpoint(host: host, signingRegion: signingRegion, signingName: service)
    }

    /// The service's id in `AWS_ENDPOINT_URL_<ID>`, as the SDKs name it
    /// (`EVENTBRIDGE`; `ORGANIZATIONS` for AWS Organizations).
    static func serviceId(_ service: String) -> String {
        service == "events" ? "EVENTBRIDGE" : service.uppercased()
    }

    static func parse(_ url: String, setting: String) throws(ConfigurationError) -> Override {
        func fail(_ why: String) -> ConfigurationError { ConfigurationError(setting: setting, problem: "'\(url)' \(why)") }
        let scheme: String
        var rest: Substring
        if url.hasPrefix("https://") { scheme = "https"; rest = url.dropFirst(8) }
        else if url.hasPrefix("http://") { scheme = "http"; rest = url.dropFirst(7) }
        else { throw fail("must start with https:// or http://") }
        var path = "/"
        if let slash = rest.firstIndex(of: "/") {
            path = String(rest[slash...])
            rest = rest[..<slash]
        }
        guard !path.contains("?"), !path.contains("#") else { throw fail("must not have a query or fragment") }
        var host = rest
        var port: Int?
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
            guard let number = Int(rest[rest.index(after: colon)...]), (1...65535).contains(number) else {
                throw fail("has an invalid port")
            }
            port = number
            host = rest[..<colon]
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-[]:")
        guard !host.isEmpty, host.allSatisfy({ allowed.contains($0) }) else { throw fail("has an invalid host") }
        return Override(scheme: scheme, host: String(host), port: port, path: path)
    }
}
