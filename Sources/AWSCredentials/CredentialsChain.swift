import AWSQuery
import FoundationEssentials
import HTTP
import Primitives
import SigV4
import STS

/// How a credentials source reaches its endpoint.
package enum CredentialsTransportKind: Equatable, Sendable {
    /// Instance metadata and container endpoints: loopback or link-local, no
    /// proxy, a connect timeout of about a second.
    case local(connectTimeout: Double)
    /// The IAM Identity Center portal: over the internet, verified with the usual trust store.
    case internet
}

/// What the chain may touch, injected: tests give fakes (and ones that fail
/// when touched, to prove the Lambda path touches nothing); main gives the
/// real file system, `posix_spawn`, libcurl and our STS client.
package struct CredentialsDependencies {
    package var environment: [String: String]
    package var clock: WallClock
    package var files: FileReading
    package var processes: ProcessRunning
    /// A new transport for one source; called only when that source is used.
    package var transport: (CredentialsTransportKind) throws(TransportError) -> any HTTPTransport
    /// An STS client in `region` signing with `credentials`, for `role_arn` profiles.
    package var sts: (_ region: String, _ credentials: any CredentialsProvider) throws(ConfigurationError) -> any STSAPI
    /// Where GetRoleCredentials is answered for an `sso_region`.
    package var ssoPortal: (_ region: String) throws(ConfigurationError) -> Endpoint

    package init(environment: [String: String], clock: WallClock, files: FileReading, processes: ProcessRunning,
                 transport: @escaping (CredentialsTransportKind) throws(TransportError) -> any HTTPTransport,
                 sts: @escaping (String, any CredentialsProvider) throws(ConfigurationError) -> any STSAPI,
                 ssoPortal: @escaping (String) throws(ConfigurationError) -> Endpoint = SSOPortal.endpoint(region:)) {
        self.environment = environment
        self.clock = clock
        self.files = files
        self.processes = processes
        self.transport = transport
        self.sts = sts
        self.ssoPortal = ssoPortal
    }

    func makeTransport(_ kind: CredentialsTransportKind, for source: String) throws(ConfigurationError) -> any HTTPTransport {
        do {
            return try transport(kind)
        } catch {
            throw ConfigurationError(setting: "credentials", problem: "no HTTP transport for \(source): \(error)")
        }
    }
}

/// Credentials found, and where from.
package struct ResolvedCredentials {
    package var provider: any CredentialsProvider
    /// Where they come from, for logs: never a secret.
    package var source: String
}

/// The default credential provider chain of the AWS SDKs and the AWS CLI
/// (AWS SDKs and Tools Reference Guide, "Standardized credential providers",
/// "Understand the credential provider chain"), in its order:
///
/// 1. the environment: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
///    `AWS_SESSION_TOKEN` (Lambda's way; nothing else is then looked at: no
///    file is read, no process started, no socket opened);
/// 2. the profile of the shared files (`ProfileCredentials`): keys,
///    `role_arn` with `source_profile` or `credential_source`,
///    `credential_process`, IAM Identity Center;
/// 3. the container credentials endpoint (`ContainerCredentialsSource`);
/// 4. instance metadata, IMDSv2 (`InstanceMetadataSource`), unless
///    `AWS_EC2_METADATA_DISABLED=true`.
///
/// The first source that is configured is the one used: one configured but
/// failing is an error naming it, not a reason to try the next (the SDKs'
/// behaviour: a broken profile must not silently become the instance's
/// role). Instance metadata is only asked when nothing before it is
/// configured. When no source gives credentials, the error names each
/// source tried and why it did not apply. Web identity (`AWS_ROLE_ARN` with
/// `AWS_WEB_IDENTITY_TOKEN_FILE`, between 1 and 2 in the SDKs) is not
/// supported and says so rather than fall through to the node's role.
///
/// Temporary credentials (2 to 4) come behind a `RefreshingCredentialsProvider`
/// and are fetched once here, so a source that does not work fails the start.
package enum CredentialsChain {
    /// - Parameters:
    ///   - region: the region STS is called in for `role_arn` profiles.
    ///   - deadline: for the first fetch of temporary credentials.
    package static func resolve(sharedFiles: SharedConfigFiles, region: String, dependencies: CredentialsDependencies,
                                deadline: Date) throws(ConfigurationError) -> ResolvedCredentials {
        let environment = dependencies.environment
        if let keys = try EnvironmentCredentials.read(environment) {
            return ResolvedCredentials(provider: StaticCredentialsProvider(keys), source: "the environment (AWS_ACCESS_KEY_ID)")
        }
        var tried = ["environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"]

        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if value("AWS_WEB_IDENTITY_TOKEN_FILE") != nil {
            throw ConfigurationError(setting: "AWS_WEB_IDENTITY_TOKEN_FILE", problem: "web identity credentials (AssumeRoleWithWebIdentity) are not "
                + "supported: run `eval \"$(aws configure export-credentials --format env)\"` first, or set AWS_ACCESS_KEY_ID, "
                + "AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN")
        }

        switch try ProfileCredentials.resolve(files: sharedFiles, region: region, dependencies: dependencies, deadline: deadline) {
        case .resolved(let resolved): return resolved
        case .notApplicable(let reason): tried.append("shared files: \(reason)")
        }

        if let (url, token) = try ContainerCredentialsSource.configured(in: environment) {
            let setting = value("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") != nil ? "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI" : "AWS_CONTAINER_CREDENTIALS_FULL_URI"
            let source = ContainerCredentialsSource(url: url, token: token,
                                                    transport: try dependencies.makeTransport(.local(connectTimeout: 1), for: "the container endpoint"),
                                                    files: dependencies.files, clock: dependencies.clock)
            let provider = RefreshingCredentialsProvider(source: source, clock: dependencies.clock)
            try prime(provider, setting: setting, deadline: deadline)
            return ResolvedCredentials(provider: provider, source: source.name)
        }
        tried.append("container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set")

        guard let settings = try InstanceMetadataSource.settings(from: environment) else {
            tried.append("instance metadata: not asked, AWS_EC2_METADATA_DISABLED is true")
            throw noneFound(tried)
        }
        let source = InstanceMetadataSource(settings: settings,
                                            transport: try dependencies.makeTransport(.local(connectTimeout: settings.timeout), for: "instance metadata"),
                                            clock: dependencies.clock)
        let provider = RefreshingCredentialsProvider(source: source, clock: dependencies.clock)
        do {
            _ = try provider.credentials(deadline: deadline)
        } catch {
            tried.append("instance metadata: \(error.message) (\(error.code))")
            throw noneFound(tried)
        }
        return ResolvedCredentials(provider: provider, source: source.name)
    }

    /// The one error when no source applies: each source tried, and why not.
    private static func noneFound(_ tried: [String]) -> ConfigurationError {
        let list = tried.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: "; ")
        return ConfigurationError(setting: "credentials", problem: "none found. Tried, in order: \(list)")
    }

    /// Fetches once, so a configured source that does not work fails the start, named.
    static func prime(_ provider: RefreshingCredentialsProvider, setting: String, deadline: Date) throws(ConfigurationError) {
        do {
            _ = try provider.credentials(deadline: deadline)
        } catch {
            let name = provider.source.name
            throw ConfigurationError(setting: setting, problem: error.message.contains(name) ? "\(error)" : "\(name): \(error)")
        }
    }
}
