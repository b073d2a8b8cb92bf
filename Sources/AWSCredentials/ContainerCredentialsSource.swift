import AWSQuery
import FoundationEssentials
import HTTP
import Primitives
import SigV4

/// The container credentials endpoint (AWS SDKs and Tools Reference Guide,
/// "Container credential provider"), as ECS task roles and EKS Pod Identity
/// provide it:
///
/// - `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`: a path on `http://169.254.170.2`;
/// - else `AWS_CONTAINER_CREDENTIALS_FULL_URI`: a whole URL; over plain http
///   only to the hosts `ContainerHosts` allows;
/// - the `Authorization` header: the contents of
///   `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read again at each fetch: EKS
///   rotates it), else `AWS_CONTAINER_AUTHORIZATION_TOKEN`, else none.
///
/// One GET answers `AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration`.
final class ContainerCredentialsSource: CredentialsSource {
    static let ecsHost = "169.254.170.2"
    /// Per attempt; the SDKs allow a couple of seconds and a few attempts.
    static let attemptTimeout = 2.0
    static let attempts = 3
    static let maximumTokenFileSize = 16 << 10

    enum Token {
        case none
        case value(String)
        case file(String)
    }

    let url: EndpointURL
    let name: String
    private let token: Token
    private let transport: any HTTPTransport
    private let files: FileReading
    private let clock: WallClock

    /// The endpoint the environment configures; nil when neither URI variable is set.
    static func configured(in environment: [String: String]) throws(ConfigurationError) -> (url: EndpointURL, token: Token)? {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let url: EndpointURL
        if let relative = value("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            let path = relative.hasPrefix("/") ? relative : "/" + relative
            switch EndpointURL.parse("http://\(ecsHost)\(path)") {
            case .success(let parsed): url = parsed
            case .failure(let problem):
                throw ConfigurationError(setting: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", problem: "is not a path: it \(problem.text)")
            }
        } else if let full = value("AWS_CONTAINER_CREDENTIALS_FULL_URI") {
            switch EndpointURL.parse(full) {
            case .success(let parsed): url = parsed
            case .failure(let problem):
                throw ConfigurationError(setting: "AWS_CONTAINER_CREDENTIALS_FULL_URI", problem: "'\(full)' \(problem.text)")
            }
            if url.scheme == "http", !ContainerHosts.isAllowedOverHTTP(url.bareHost) {
                throw ConfigurationError(
                    setting: "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                    problem: "'\(full)' uses plain http to \(url.host), which is not a loopback address (127.0.0.0/8, ::1), "
                        + "the ECS container host 169.254.170.2 or an EKS Pod Identity host (169.254.170.23, fd00:ec2::23): use https or one of those")
            }
        } else {
            return nil
        }
        if let path = value("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") { return (url, .file(path)) }
        if let token = value("AWS_CONTAINER_AUTHORIZATION_TOKEN") {
            guard isHeaderSafe(token) else {
                throw ConfigurationError(setting: "AWS_CONTAINER_AUTHORIZATION_TOKEN", problem: "contains a line break or control character")
            }
            return (url, .value(token))
        }
        return (url, .none)
    }

    init(url: EndpointURL, token: Token, transport: any HTTPTransport, files: FileReading, clock: WallClock) {
        self.url = url
        self.name = "the container credentials endpoint \(url.scheme)://\(url.host)\(url.port.map { ":\($0)" } ?? "")\(url.path)"
        self.token = token
        self.transport = transport
        self.files = files
        self.clock = clock
    }

    func fetch(deadline: Date) throws(AWSError) -> Credentials {
        let operation = "credentials:container"
        var headers: [(String, String)] = []
        switch token {
        case .none: break
        case .value(let value): headers.append(("Authorization", value))
        case .file(let path):
            switch files.read(path, limit: Self.maximumTokenFileSize) {
            case .success(let bytes):
                let value = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
                guard !value.isEmpty, Self.isHeaderSafe(value) else {
                    throw AWSError(code: .invalidResponse,
                                   message: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(path) is empty or holds a line break or control character",
                                   operation: operation)
                }
                headers.append(("Authorization", value))
            case .failure(let error):
                throw AWSError(code: .invalidResponse, message: "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(path): \(error)",
                               operation: operation)
            }
        }
        let request = url.request(method: "GET", headers: headers)
        var attempt = 0
        while true {
            attempt += 1
            let remaining = deadline.timeIntervalSince(clock.now)
            guard remaining > 0 else {
                throw AWSError(code: .deadlineExceeded, message: "\(name): no time left before the deadline", operation: operation,
                               attempts: attempt - 1)
            }
            var failure: AWSError
            switch Result(catching: { () throws(TransportError) in try transport.send(request, timeout: min(Self.attemptTimeout, remaining)) }) {
            case .success(let response) where response.status == 200:
                return try EndpointCredentials.credentials(from: response.body, source: name, operation: operation)
            case .success(let response):
                failure = AWSError(code: response.status >= 500 ? .serverError(status: response.status) : .invalidResponse,
                                   message: "\(name) answered \(EndpointCredentials.describe(response))",
                                   httpStatus: response.status, operation: operation)
            case .failure(let error):
                failure = EndpointCredentials.transportFailure(error, source: name, operation: operation, deadline: deadline, now: clock.now)
            }
            failure.attempts = attempt
            let transient = failure.code == .networkError || (failure.httpStatus ?? 0) >= 500
            guard transient, attempt < Self.attempts else { throw failure }
        }
    }

    /// No CR, LF or other control character: the value goes into a header line as is.
    static func isHeaderSafe(_ value: String) -> Bool {
        value.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }
    }
}
