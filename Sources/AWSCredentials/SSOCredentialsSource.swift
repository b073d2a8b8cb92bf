import AWSQuery
import FoundationEssentials
import HTTP
import Primitives
import SigV4

/// An IAM Identity Center profile (AWS SDKs and Tools Reference Guide, "IAM
/// Identity Center credential provider"), signed in with `aws sso login`:
///
///     [profile dev]                      [profile legacy]
///     sso_session = my-sso               sso_start_url = https://my.awsapps.com/start
///     sso_account_id = 111122223333      sso_region = eu-west-1
///     sso_role_name = ReadOnly           sso_account_id = 111122223333
///     [sso-session my-sso]               sso_role_name = ReadOnly
///     sso_start_url = https://my.awsapps.com/start
///     sso_region = eu-west-1
///
/// The access token is the one the AWS CLI cached at sign-in,
/// `~/.aws/sso/cache/<SHA-1 of the session name, or of the start URL for a
/// legacy profile>.json` (`accessToken`, `expiresAt`); it is read again at
/// each fetch, so a new `aws sso login` during a long run is picked up. An
/// expired token is refused with the command that renews it: refreshing it
/// ourselves (OIDC CreateToken with the cached refresh token) is left to the
/// AWS CLI. The token buys the role's credentials from the portal's
/// GetRoleCredentials, an unsigned GET:
///
///     GET https://portal.sso.{sso_region}.amazonaws.com/federation/credentials?role_name=…&account_id=…
///     x-amz-sso_bearer_token: <accessToken>
///     → {"roleCredentials": {"accessKeyId", "secretAccessKey", "sessionToken", "expiration" (epoch ms)}}
final class SSOCredentialsSource: CredentialsSource {
    static let maximumCacheFileSize = 1 << 20
    static let requestTimeout = 10.0

    struct Settings: Equatable {
        var startURL: String
        var region: String
        var accountId: String
        var roleName: String
        /// The session name, or the start URL for a legacy profile.
        var cacheKey: String
        var cachePath: String
        /// What renews the token.
        var loginCommand: String

        /// The IAM Identity Center settings of `profile`, checked.
        init(profile: Profile, files: SharedConfigFiles, home: String?) throws(ConfigurationError) {
            func fail(_ problem: String) -> ConfigurationError {
                ConfigurationError(setting: "AWS_PROFILE", problem: "\(profile.origin): \(problem)")
            }
            if let session = profile.value("sso_session") {
                guard let section = try files.ssoSession(session) else {
                    throw fail("sso_session '\(session)' has no [sso-session \(session)] section in \(files.configPath ?? "the config file")")
                }
                func sessionValue(_ key: String) -> String? { section[key].flatMap { $0.isEmpty ? nil : $0 } }
                guard let startURL = sessionValue("sso_start_url"), let region = sessionValue("sso_region") else {
                    throw fail("[sso-session \(session)] needs sso_start_url and sso_region")
                }
                for (key, value) in [("sso_start_url", startURL), ("sso_region", region)] {
                    if let own = profile.value(key), own != value {
                        throw fail("\(key) differs from the one of [sso-session \(session)]")
                    }
                }
                self.startURL = startURL
                self.region = region
                cacheKey = session
            } else if let startURL = profile.value("sso_start_url") {
                guard let region = profile.value("sso_region") else { throw fail("has sso_start_url but no sso_region") }
                self.startURL = startURL
                self.region = region
                cacheKey = startURL
            } else {
                throw fail("has IAM Identity Center settings but neither sso_session nor sso_start_url")
            }
            guard let accountId = profile.value("sso_account_id"), let roleName = profile.value("sso_role_name") else {
                throw fail("needs sso_account_id and sso_role_name to give AWS credentials")
            }
            self.accountId = accountId
            self.roleName = roleName
            guard let home else { throw fail("HOME is not set, so the token cache ~/.aws/sso/cache cannot be found") }
            cachePath = "\(home)/.aws/sso/cache/\(SHA1Name.hex(cacheKey)).json"
            loginCommand = "aws sso login --profile \(profile.name)"
        }

        /// Whether `profile` is meant for IAM Identity Center.
        static func applies(to profile: Profile) -> Bool {
            ["sso_session", "sso_start_url", "sso_account_id", "sso_role_name"].contains { profile.has($0) }
        }
    }

    let name: String
    let settings: Settings
    private let portal: Endpoint
    private let transport: any HTTPTransport
    private let files: FileReading
    private let clock: WallClock
    private let operation = "sso:GetRoleCredentials"

    init(settings: Settings, profile: Profile, portal: Endpoint, transport: any HTTPTransport, files: FileReading, clock: WallClock) {
        self.settings = settings
        self.name = "IAM Identity Center role \(settings.roleName) in account \(settings.accountId) of \(profile.origin)"
        self.portal = portal
        self.transport = transport
        self.files = files
        self.clock = clock
    }

    private struct CachedToken: Decodable {
        var accessToken: String?
        var expiresAt: String?
    }

    private struct Answer: Decodable {
        struct RoleCredentials: Decodable {
            var accessKeyId: String?
            var secretAccessKey: String?
            var sessionToken: String?
            var expiration: Double?
        }
        var roleCredentials: RoleCredentials?
    }

    func fetch(deadline: Date) throws(AWSError) -> Credentials {
        let token = try cachedToken()
        let remaining = deadline.timeIntervalSince(clock.now)
        guard remaining > 0 else { throw AWSError(code: .deadlineExceeded, message: "\(name): no time left before the deadline", operation: operation) }
        let query = "account_id=\(Self.encode(settings.accountId))&role_name=\(Self.encode(settings.roleName))"
        let request = HTTPRequest(method: "GET", scheme: portal.scheme, host: portal.host, port: portal.port,
                                  path: (portal.path.hasSuffix("/") ? String(portal.path.dropLast()) : portal.path) + "/federation/credentials",
                                  query: query, headers: HTTPHeaders([("x-amz-sso_bearer_token", token)]))
        let response: HTTPResponse
        do {
            response = try transport.send(request, timeout: min(Self.requestTimeout, remaining))
        } catch {
            throw EndpointCredentials.transportFailure(error, source: name, operation: operation, deadline: deadline, now: clock.now)
        }
        guard response.status == 200 else { throw portalError(response) }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(response.body)), let role = answer.roleCredentials,
              let keyId = role.accessKeyId, !keyId.isEmpty, let secret = role.secretAccessKey, !secret.isEmpty,
              let sessionToken = role.sessionToken, !sessionToken.isEmpty, let expiration = role.expiration
        else {
            throw AWSError(code: .invalidResponse, message: "\(name): GetRoleCredentials answered without roleCredentials "
                           + "(accessKeyId, secretAccessKey, sessionToken, expiration)", httpStatus: 200, operation: operation)
        }
        return Credentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: sessionToken,
                           expiration: Date(timeIntervalSince1970: expiration / 1000))
    }

    /// The access token `aws sso login` cached, if it is still valid.
    private func cachedToken() throws(AWSError) -> String {
        func refuse(_ problem: String) -> AWSError {
            // The portal's own code for a token it will not take.
            AWSError(code: .service("UnauthorizedException"),
                     message: "\(name): \(problem): run `\(settings.loginCommand)`", operation: operation)
        }
        let bytes: [UInt8]
        switch files.read(settings.cachePath, limit: Self.maximumCacheFileSize) {
        case .success(let contents): bytes = contents
        case .failure(.missing): throw refuse("no token cached in \(settings.cachePath) (not signed in)")
        case .failure(let error): throw refuse("cannot read the token cache \(settings.cachePath): \(error)")
        }
        guard let cached = try? JSONDecoder().decode(CachedToken.self, from: Data(bytes)),
              let token = cached.accessToken, !token.isEmpty, ContainerCredentialsSource.isHeaderSafe(token),
              let expiresText = cached.expiresAt, let expiresAt = Timestamp.parse(expiresText)
        else {
            throw refuse("the token cache \(settings.cachePath) lacks a usable accessToken and expiresAt")
        }
        guard expiresAt > clock.now else {
            throw refuse("the IAM Identity Center sign-in expired at \(ISO8601Timestamp.format(expiresAt))")
        }
        return token
    }

    private func portalError(_ response: HTTPResponse) -> AWSError {
        // `x-amzn-ErrorType: UnauthorizedException:http://internal.amazon.com/…`
        let code = response.headers["x-amzn-ErrorType"].flatMap { header in
            EndpointCredentials.printable(String(header.prefix { $0 != ":" }))
        }
        var message = "\(name): GetRoleCredentials answered HTTP \(response.status)"
        if response.status == 401 || code == "UnauthorizedException" {
            message += ": the IAM Identity Center sign-in is no longer valid: run `\(settings.loginCommand)`"
        } else if response.status == 403 || code == "ForbiddenException" {
            message += ": the signed-in user may not use this role in this account"
        }
        let errorCode: AWSError.Code = code.map { .service($0) }
            ?? (response.status >= 500 ? .serverError(status: response.status) : .invalidResponse)
        return AWSError(code: errorCode, message: message, requestId: response.headers["x-amzn-RequestId"],
                        httpStatus: response.status, operation: operation)
    }

    /// RFC 3986 percent-encoding of everything but the unreserved characters.
    static func encode(_ value: String) -> String {
        var output = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                output.unicodeScalars.append(UnicodeScalar(byte))
            default:
                let digits = Array("0123456789ABCDEF".unicodeScalars)
                output += "%"
                output.unicodeScalars.append(digits[Int(byte >> 4)])
                output.unicodeScalars.append(digits[Int(byte & 0x0F)])
            }
        }
        return output
    }
}

/// Where GetRoleCredentials is answered: `https://portal.sso.{region}.{DNS suffix of its partition}`.
package enum SSOPortal {
    package static func endpoint(region: String) throws(ConfigurationError) -> Endpoint {
        guard let partition = Partition(region: region) else {
            throw ConfigurationError(setting: "AWS_PROFILE", problem: "sso_region: \(Region.problem(region))")
        }
        return Endpoint(host: "portal.sso.\(region).\(partition.dnsSuffix)", signingRegion: region, signingName: "awsssoportal")
    }
}
