import FoundationEssentials

/// Where a service's requests go and how they are signed.
public struct Endpoint: Sendable, Equatable, CustomStringConvertible {
    public var scheme: String
    public var host: String
    public var port: Int?
    /// The path prefix of an override URL; "/" for AWS's own endpoints.
    public var path: String
    public var signingRegion: String
    public var signingName: String

    public init(scheme: String = "https", host: String, port: Int? = nil, path: String = "/", signingRegion: String, signingName: String) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = path
        self.signingRegion = signingRegion
        self.signingName = signingName
    }

    public var description: String {
        "\(scheme)://\(host)\(port.map { ":\($0)" } ?? "")\(path) (signed for \(signingRegion)/\(signingName))"
    }
}

/// The AWS partitions this tool knows: each has its own DNS suffix and a
/// single IAM endpoint signed for one region.
public enum Partition: String, Sendable, CaseIterable {
    case aws
    case awsCN = "aws-cn"
    case awsUSGov = "aws-us-gov"

    public init(region: String) {
        if region.hasPrefix("cn-") { self = .awsCN }
        else if region.hasPrefix("us-gov-") { self = .awsUSGov }
        else { self = .aws }
    }

    public var dnsSuffix: String { self == .awsCN ? "amazonaws.com.cn" : "amazonaws.com" }

    /// IAM is global per partition.
    public var iamEndpoint: (host: String, signingRegion: String) {
        switch self {
        case .aws: ("iam.amazonaws.com", "us-east-1")
        case .awsCN: ("iam.cn-north-1.amazonaws.com.cn", "cn-north-1")
        case .awsUSGov: ("iam.us-gov.amazonaws.com", "us-gov-west-1")
        }
    }
}

public enum Region {
    /// True for names shaped like AWS regions (`us-east-1`, `cn-north-1`,
    /// `us-gov-west-1`, `ap-southeast-5`). Event fields become host names only after this check.
    public static func isValid(_ name: String) -> Bool {
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        guard name.utf8.count <= 32, parts.count >= 3, let last = parts.last,
              !last.isEmpty, last.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
        else { return false }
        return parts.dropLast().allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x61 && $0 <= 0x7A } }
    }
}

public struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    /// The setting at fault, e.g. `AWS_ENDPOINT_URL_EC2`.
    public var setting: String
    public var problem: String
    public init(setting: String, problem: String) { self.setting = setting; self.problem = problem }
    public var description: String { "\(setting): \(problem)" }
}

/// Resolves service endpoints for a region, honouring the `AWS_ENDPOINT_URL`
/// family of overrides (the only place plain http is accepted).
public struct EndpointResolver: Sendable {
    struct Override: Sendable { var scheme: String; var host: String; var port: Int?; var path: String }
    private var overrides: [String: Override] = [:]  // service id ("EC2", "IAM", "STS") or "" for the global one

    public init(environment: [String: String]) throws(ConfigurationError) {
        for (name, value) in environment where name == "AWS_ENDPOINT_URL" || name.hasPrefix("AWS_ENDPOINT_URL_") {
            guard !value.isEmpty else { continue }
            let service = name == "AWS_ENDPOINT_URL" ? "" : String(name.dropFirst("AWS_ENDPOINT_URL_".count))
            overrides[service] = try Self.parse(value, setting: name)
        }
    }

    /// - Parameter service: the endpoint prefix and signing name, `ec2`, `iam` or `sts`.
    public func endpoint(service: String, region: String) throws(ConfigurationError) -> Endpoint {
        guard Region.isValid(region) else {
            throw ConfigurationError(setting: "region", problem: "'\(region.prefix(64))' is not an AWS region name")
        }
        let partition = Partition(region: region)
        let signingRegion = service == "iam" ? partition.iamEndpoint.signingRegion : region
        if let override = overrides[service.uppercased()] ?? overrides[""] {
            return Endpoint(scheme: override.scheme, host: override.host, port: override.port, path: override.path,
                            signingRegion: signingRegion, signingName: service)
        }
        let host = service == "iam" ? partition.iamEndpoint.host : "\(service).\(region).\(partition.dnsSuffix)"
        return Endpoint(host: host, signingRegion: signingRegion, signingName: service)
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
