import AWSQuery
import FoundationEssentials
import Primitives
import SigV4
import STS

/// The credentials of the selected profile of the shared files, as the AWS
/// CLI finds them (AWS SDKs and Tools Reference Guide, "Assume role
/// credential provider", "Process credential provider", "IAM Identity Center
/// credential provider", "AWS access keys"):
///
/// - `role_arn`: assumed with the credentials of `source_profile` (another
///   profile, followed recursively: a cycle is an error; a profile naming
///   itself uses its own keys) or of `credential_source` (`Environment`,
///   `Ec2InstanceMetadata`, `EcsContainer`). A source profile with keys uses
///   its keys even when it has a `role_arn` too.
/// - else IAM Identity Center (`sso_session` or `sso_start_url`, with
///   `sso_account_id` and `sso_role_name`);
/// - else keys: `aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`;
/// - else `credential_process`.
///
/// A profile with none of these (only a `region`, say) does not apply, and
/// the chain goes on; one that does apply but cannot work is an error.
enum ProfileCredentials {
    enum Outcome {
        case resolved(ResolvedCredentials)
        case notApplicable(String)
    }

    /// Where a chain of profiles starts: credentials that need none before them.
    private enum Base {
        case keys(Credentials, Profile)
        case process(String, Profile)
        case sso(Profile)
        case named(String, Profile)
    }

    static func resolve(files: SharedConfigFiles, region: String, dependencies: CredentialsDependencies,
                        deadline: Date) throws(ConfigurationError) -> Outcome {
        guard let profile = try files.profile(files.profileName) else {
            if files.profileIsExplicit { throw files.profileNotFound() }
            return .notApplicable("no profile '\(files.profileName)' in \(files.locations)")
        }
        var hops: [ProfileRole] = []
        var visited: [String] = []
        var current = profile
        let base: Base
        walk: while true {
            if visited.contains(current.name) {
                throw fail(profile, "source_profile makes a cycle: " + (visited + [current.name]).map { "'\($0)'" }.joined(separator: " → "))
            }
            visited.append(current.name)
            if visited.count > 1, let keys = try keys(of: current) {
                base = .keys(keys, current)
                break walk
            }
            guard current.has("role_arn") else {
                guard let found = try baseSource(of: current) else {
                    if visited.count == 1 {
                        return .notApplicable("\(profile.origin) has no credential settings "
                            + "(aws_access_key_id, role_arn, credential_process, sso_session or sso_start_url)")
                    }
                    throw fail(current, "is the source_profile of profile '\(visited[visited.count - 2])' but has no credentials")
                }
                base = found
                break walk
            }
            if current.has("web_identity_token_file") { throw webIdentityUnsupported(current) }
            hops.append(try ProfileRole(profile: current, now: dependencies.clock.now))
            switch (current.value("source_profile"), current.value("credential_source")) {
            case (_?, _?):
                throw fail(current, "has both source_profile and credential_source: keep one")
            case (nil, nil):
                throw fail(current, "has role_arn but neither source_profile nor credential_source")
            case (let source?, nil) where source == current.name:
                guard let keys = try keys(of: current) else {
                    throw fail(current, "is its own source_profile but has no aws_access_key_id and aws_secret_access_key")
                }
                base = .keys(keys, current)
                break walk
            case (let source?, nil):
                guard let next = try files.profile(source) else { throw files.profileNotFound(source, referencedBy: current.name) }
                current = next
            case (nil, let named?):
                base = .named(named, current)
                break walk
            }
        }

        var (provider, description) = try provider(for: base, files: files, dependencies: dependencies)
        var refreshing = provider as? RefreshingCredentialsProvider
        for hop in hops.reversed() {
            let source = hop.source(sts: try dependencies.sts(region, provider))
            let assumed = RefreshingCredentialsProvider(source: source, clock: dependencies.clock)
            provider = assumed
            refreshing = assumed
            description = "\(source.name), assumed with \(description)"
        }
        if let refreshing { try CredentialsChain.prime(refreshing, setting: "AWS_PROFILE", deadline: deadline) }
        return .resolved(ResolvedCredentials(provider: provider, source: description))
    }

    /// What a profile without `role_arn` gives on its own; nil for nothing.
    private static func baseSource(of profile: Profile) throws(ConfigurationError) -> Base? {
        if SSOCredentialsSource.Settings.applies(to: profile) { return .sso(profile) }
        if let keys = try keys(of: profile) { return .keys(keys, profile) }
        if let command = profile.value("credential_process") { return .process(command, profile) }
        if profile.has("web_identity_token_file") { throw webIdentityUnsupported(profile) }
        return nil
    }

    /// The profile's keys; nil when it sets none of the three.
    private static func keys(of profile: Profile) throws(ConfigurationError) -> Credentials? {
        let keyId = profile.value("aws_access_key_id"), secret = profile.value("aws_secret_access_key")
        let token = profile.value("aws_session_token")
        switch (keyId, secret) {
        case let (keyId?, secret?):
            return Credentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: token)
        case (nil, nil) where token == nil:
            return nil
        case (nil, _):
            throw fail(profile, "has no aws_access_key_id")
        case (_, nil):
            throw fail(profile, "has no aws_secret_access_key")
        }
    }

    private static func provider(for base: Base, files: SharedConfigFiles,
                                 dependencies: CredentialsDependencies) throws(ConfigurationError) -> (any CredentialsProvider, String) {
        let clock = dependencies.clock
        switch base {
        case .keys(let keys, let profile):
            return (StaticCredentialsProvider(keys), "the keys of \(profile.origin)")
        case .process(let command, let profile):
            let source = try ProcessCredentialsSource(command: command, profile: profile, environment: dependencies.environment,
                                                      processes: dependencies.processes)
            return (RefreshingCredentialsProvider(source: source, clock: clock), source.name)
        case .sso(let profile):
            let settings = try SSOCredentialsSource.Settings(profile: profile, files: files, home: dependencies.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 })
            let source = SSOCredentialsSource(settings: settings, profile: profile, portal: try dependencies.ssoPortal(settings.region),
                                              transport: try dependencies.makeTransport(.internet, for: "IAM Identity Center"),
                                              files: dependencies.files, clock: clock)
            return (RefreshingCredentialsProvider(source: source, clock: clock), source.name)
        case .named(let name, let profile):
            let what = "credential_source \(name) of \(profile.origin)"
            switch name {
            case "Environment":
                guard let keys = try EnvironmentCredentials.read(dependencies.environment) else {
                    throw fail(profile, "has credential_source Environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
                }
                return (StaticCredentialsProvider(keys), "the environment (\(what))")
            case "Ec2InstanceMetadata":
                guard let settings = try InstanceMetadataSource.settings(from: dependencies.environment) else {
                    throw fail(profile, "has credential_source Ec2InstanceMetadata, but AWS_EC2_METADATA_DISABLED is true")
                }
                let source = InstanceMetadataSource(
                    settings: settings, transport: try dependencies.makeTransport(.local(connectTimeout: settings.timeout), for: what), clock: clock)
                return (RefreshingCredentialsProvider(source: source, clock: clock), "\(source.name) (\(what))")
            case "EcsContainer":
                guard let (url, token) = try ContainerCredentialsSource.configured(in: dependencies.environment) else {
                    throw fail(profile, "has credential_source EcsContainer, but neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI "
                        + "nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set")
                }
                let source = ContainerCredentialsSource(url: url, token: token, transport: try dependencies.makeTransport(.local(connectTimeout: 1), for: what),
                                                        files: dependencies.files, clock: clock)
                return (RefreshingCredentialsProvider(source: source, clock: clock), "\(source.name) (\(what))")
            default:
                throw fail(profile, "credential_source '\(name.prefix(64))' is not Environment, Ec2InstanceMetadata or EcsContainer")
            }
        }
    }

    private static func fail(_ profile: Profile, _ problem: String) -> ConfigurationError {
        ConfigurationError(setting: "AWS_PROFILE", problem: "\(profile.origin) \(problem)")
    }

    private static func webIdentityUnsupported(_ profile: Profile) -> ConfigurationError {
        fail(profile, "uses web_identity_token_file, which is not supported: run "
            + "`eval \"$(aws configure export-credentials --profile \(profile.name) --format env)\"` first")
    }
}
