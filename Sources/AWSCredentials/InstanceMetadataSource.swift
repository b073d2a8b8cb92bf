import AWSQuery
import FoundationEssentials
import HTTP
import Primitives
import SigV4

/// The EC2 instance metadata service, IMDSv2 only (AWS SDKs and Tools
/// Reference Guide, "IMDS credential provider" and "Amazon EC2 instance
/// metadata"): `PUT /latest/api/token` with a TTL for a session token, then,
/// with it, `GET /latest/meta-data/iam/security-credentials/` for the role
/// name and `GET …/<role>` for its credentials (`Code` must be `Success`).
/// No IMDSv1 fallback: an instance that refuses the token has IMDS
/// switched off for us.
///
/// Settings: `AWS_EC2_METADATA_DISABLED=true` (never contacted at all),
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT` (default `http://169.254.169.254`, or
/// `http://[fd00:ec2::254]` with `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6`),
/// `AWS_METADATA_SERVICE_TIMEOUT` (seconds per request, default 1) and
/// `AWS_METADATA_SERVICE_NUM_ATTEMPTS` (default 1): the SDKs' defaults, so a
/// machine that is not an EC2 instance learns it within about a second.
final class InstanceMetadataSource: CredentialsSource {
    static let defaultEndpoint = "http://169.254.169.254"
    static let defaultIPv6Endpoint = "http://[fd00:ec2::254]"
    static let tokenTTLSeconds = 21_600
    static let credentialsPath = "/latest/meta-data/iam/security-credentials/"

    struct Settings: Equatable {
        var endpoint: EndpointURL
        var timeout: Double = 1
        var attempts: Int = 1
    }

    let name: String
    let settings: Settings
    private let transport: any HTTPTransport
    private let clock: WallClock
    private let operation = "credentials:imds"

    /// nil when `AWS_EC2_METADATA_DISABLED` is `true` (any letter case).
    static func settings(from environment: [String: String]) throws(ConfigurationError) -> Settings? {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if value("AWS_EC2_METADATA_DISABLED")?.lowercased() == "true" { return nil }
        let endpointText: String
        let endpointSetting: String
        if let endpoint = value("AWS_EC2_METADATA_SERVICE_ENDPOINT") {
            endpointText = endpoint
            endpointSetting = "AWS_EC2_METADATA_SERVICE_ENDPOINT"
        } else {
            endpointSetting = "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"
            switch value("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")?.lowercased() {
            case nil, "ipv4": endpointText = defaultEndpoint
            case "ipv6": endpointText = defaultIPv6Endpoint
            case let other?: throw ConfigurationError(setting: endpointSetting, problem: "'\(other.prefix(32))' is not IPv4 or IPv6")
            }
        }
        var settings: Settings
        switch EndpointURL.parse(endpointText) {
        case .success(var url):
            guard url.query.isEmpty else { throw ConfigurationError(setting: endpointSetting, problem: "'\(endpointText)' must not have a query") }
            while url.path.hasSuffix("/") { url.path.removeLast() }
            settings = Settings(endpoint: url)
        case .failure(let problem):
            throw ConfigurationError(setting: endpointSetting, problem: "'\(endpointText)' \(problem.text)")
        }
        if let text = value("AWS_METADATA_SERVICE_TIMEOUT") {
            guard let seconds = Double(text), seconds >= 1, seconds <= 60 else {
                throw ConfigurationError(setting: "AWS_METADATA_SERVICE_TIMEOUT", problem: "'\(text.prefix(32))' is not a number of seconds from 1 to 60")
            }
            settings.timeout = seconds
        }
        if let text = value("AWS_METADATA_SERVICE_NUM_ATTEMPTS") {
            guard let attempts = Int(text), (1...10).contains(attempts) else {
                throw ConfigurationError(setting: "AWS_METADATA_SERVICE_NUM_ATTEMPTS", problem: "'\(text.prefix(32))' is not a whole number from 1 to 10")
            }
            settings.attempts = attempts
        }
        return settings
    }

    init(settings: Settings, transport: any HTTPTransport, clock: WallClock) {
        self.settings = settings
        self.name = "instance metadata at \(settings.endpoint.scheme)://\(settings.endpoint.host)\(settings.endpoint.port.map { ":\($0)" } ?? "")"
        self.transport = transport
        self.clock = clock
    }

    func fetch(deadline: Date) throws(AWSError) -> Credentials {
        var attempt = 0
        while true {
            attempt += 1
            do throws(AWSError) {
                return try fetchOnce(deadline: deadline)
            } catch var error {
                error.attempts = attempt
                let transient = error.code == .networkError || (error.httpStatus ?? 0) >= 500
                guard transient, attempt < settings.attempts else { throw error }
            }
        }
    }

    private func fetchOnce(deadline: Date) throws(AWSError) -> Credentials {
        let tokenResponse = try send("PUT", path: "/latest/api/token",
                                     headers: [("X-aws-ec2-metadata-token-ttl-seconds", String(Self.tokenTTLSeconds))], deadline: deadline)
        guard tokenResponse.status == 200 else {
            throw failure("refused an IMDSv2 session token", tokenResponse)
        }
        let token = String(decoding: tokenResponse.body, as: UTF8.self).trimmingWhitespace()
        guard !token.isEmpty, token.utf8.count <= 4096, ContainerCredentialsSource.isHeaderSafe(token) else {
            throw AWSError(code: .invalidResponse, message: "\(name) answered an unusable session token", httpStatus: 200, operation: operation)
        }
        let tokenHeader = [("X-aws-ec2-metadata-token", token)]
        let roleResponse = try send("GET", path: Self.credentialsPath, headers: tokenHeader, deadline: deadline)
        guard roleResponse.status == 200 else {
            if roleResponse.status == 404 {
                throw AWSError(code: .invalidResponse, message: "\(name): this instance has no IAM role (instance profile) attached",
                               httpStatus: 404, operation: operation)
            }
            throw failure("did not name the instance's role", roleResponse)
        }
        let role = String(decoding: roleResponse.body, as: UTF8.self).split(whereSeparator: \.isNewline).first.map { $0.trimmingWhitespace() } ?? ""
        guard !role.isEmpty, role.utf8.count <= 128,
              role.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || "+=,.@_-".unicodeScalars.contains($0) })
        else {
            throw AWSError(code: .invalidResponse, message: "\(name) answered a role name that is not an IAM role name", httpStatus: 200, operation: operation)
        }
        let credentialsResponse = try send("GET", path: Self.credentialsPath + role, headers: tokenHeader, deadline: deadline)
        guard credentialsResponse.status == 200 else {
            throw failure("did not give the credentials of role \(role)", credentialsResponse)
        }
        return try EndpointCredentials.credentials(from: credentialsResponse.body, source: "\(name) (role \(role))", operation: operation)
    }

    private func send(_ method: String, path: String, headers: [(String, String)], deadline: Date) throws(AWSError) -> HTTPResponse {
        let remaining = deadline.timeIntervalSince(clock.now)
        guard remaining > 0 else {
            throw AWSError(code: .deadlineExceeded, message: "\(name): no time left before the deadline", operation: operation)
        }
        let request = settings.endpoint.request(method: method, path: settings.endpoint.path + path, query: "", headers: headers)
        do {
            return try transport.send(request, timeout: min(settings.timeout, remaining))
        } catch {
            throw EndpointCredentials.transportFailure(error, source: name, operation: operation, deadline: deadline, now: clock.now)
        }
    }

    private func failure(_ what: String, _ response: HTTPResponse) -> AWSError {
        AWSError(code: response.status >= 500 ? .serverError(status: response.status) : .invalidResponse,
                 message: "\(name) \(what): \(EndpointCredentials.describe(response))", httpStatus: response.status, operation: operation)
    }
}
