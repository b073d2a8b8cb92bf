import FoundationEssentials
import Primitives

/// The shared `credentials` and `config` files (AWS SDKs and Tools Reference
/// Guide, "Location of the shared config and credentials files"):
/// `AWS_SHARED_CREDENTIALS_FILE` (default `~/.aws/credentials`),
/// `AWS_CONFIG_FILE` (default `~/.aws/config`), the profile `AWS_PROFILE`
/// (default `default`). Read once, on first use, never before: the Lambda
/// path (keys and region in the environment) reads neither.
///
/// A profile's settings are the merge of both files; for a key both set, the
/// credentials file wins (as the AWS CLI merges them).
package final class SharedConfigFiles {
    /// A credentials file is a few hundred bytes; this bound keeps a wrong path
    /// (a device, a huge file) from hanging or exhausting the start.
    package static let maximumFileSize = 1 << 20

    /// `AWS_PROFILE`, else `default`.
    package let profileName: String
    /// True when `AWS_PROFILE` names the profile: then it must exist.
    package let profileIsExplicit: Bool
    let credentialsPath: String?
    let configPath: String?
    private let credentialsPathIsExplicit: Bool
    private let configPathIsExplicit: Bool
    private let files: FileReading
    private var loaded: (credentials: ProfileFile?, config: ProfileFile?)?

    package init(environment: [String: String], files: FileReading) {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let home = value("HOME")
        profileName = value("AWS_PROFILE") ?? "default"
        profileIsExplicit = value("AWS_PROFILE") != nil
        credentialsPathIsExplicit = value("AWS_SHARED_CREDENTIALS_FILE") != nil
        configPathIsExplicit = value("AWS_CONFIG_FILE") != nil
        credentialsPath = value("AWS_SHARED_CREDENTIALS_FILE").map { Self.expandingHome($0, home: home) } ?? home.map { $0 + "/.aws/credentials" }
        configPath = value("AWS_CONFIG_FILE").map { Self.expandingHome($0, home: home) } ?? home.map { $0 + "/.aws/config" }
        self.files = files
    }

    /// `~/x` with HOME in front, as the AWS CLI expands the variables' values.
    private static func expandingHome(_ path: String, home: String?) -> String {
        guard path == "~" || path.hasPrefix("~/"), let home else { return path }
        return home + path.dropFirst()
    }

    /// Where the files are looked for, for messages.
    var locations: String {
        switch (credentialsPath, configPath) {
        case let (credentials?, config?): "\(credentials) or \(config)"
        case (let one?, nil), (nil, let one?): one
        case (nil, nil): "no shared file (HOME is not set, nor AWS_SHARED_CREDENTIALS_FILE or AWS_CONFIG_FILE)"
        }
    }

    /// Both files, read and parsed on first use. A missing file at its default
    /// place is no file; one named by its variable must be readable.
    private func load() throws(ConfigurationError) -> (credentials: ProfileFile?, config: ProfileFile?) {
        if let loaded { return loaded }
        let result = (credentials: try read(credentialsPath, kind: .credentials, explicit: credentialsPathIsExplicit),
                      config: try read(configPath, kind: .config, explicit: configPathIsExplicit))
        loaded = result
        return result
    }

    private func read(_ path: String?, kind: ProfileFile.Kind, explicit: Bool) throws(ConfigurationError) -> ProfileFile? {
        guard let path else { return nil }
        switch files.read(path, limit: Self.maximumFileSize) {
        case .success(var bytes):
            // A UTF-8 byte order mark, as some Windows editors write, is not part of the first line.
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
            return try ProfileFile(text: String(decoding: bytes, as: UTF8.self), path: path, kind: kind)
        case .failure(.missing) where !explicit:
            return nil
        case .failure(let error):
            throw ConfigurationError(setting: kind.setting, problem: "cannot read \(path): \(error)")
        }
    }

    /// The profile `name` as both files define it; nil when neither has it.
    package func profile(_ name: String) throws(ConfigurationError) -> Profile? {
        let (credentials, config) = try load()
        let fromConfig = config?.profiles[name]
        let fromCredentials = credentials?.profiles[name]
        guard fromConfig != nil || fromCredentials != nil else { return nil }
        let values = (fromConfig ?? [:]).merging(fromCredentials ?? [:]) { _, credentialsValue in credentialsValue }
        let definedIn = [fromCredentials.flatMap { _ in credentials?.path }, fromConfig.flatMap { _ in config?.path }].compactMap { $0 }
        return Profile(name: name, values: values, files: definedIn)
    }

    /// The `[sso-session name]` section of the config file.
    func ssoSession(_ name: String) throws(ConfigurationError) -> [String: String]? {
        try load().config?.ssoSessions[name]
    }

    /// The selected profile's `region`, for when neither `AWS_REGION` nor
    /// `AWS_DEFAULT_REGION` is set; nil when there is none. The profile
    /// must exist when `AWS_PROFILE` names it.
    package func region() throws(ConfigurationError) -> (region: String, origin: String)? {
        guard let profile = try profile(profileName) else {
            if profileIsExplicit { throw profileNotFound() }
            return nil
        }
        return profile.value("region").map { ($0, "region of \(profile.origin)") }
    }

    func profileNotFound(_ name: String? = nil, referencedBy: String? = nil) -> ConfigurationError {
        let name = name ?? profileName
        let reference = referencedBy.map { " (the source_profile of profile '\($0)')" } ?? ""
        return ConfigurationError(setting: "AWS_PROFILE", problem: "profile '\(name)'\(reference) not found in \(locations)")
    }
}

/// One profile: its settings from both files.
package struct Profile {
    package let name: String
    let values: [String: String]
    /// The files that define it, credentials file first.
    let files: [String]

    /// A setting's value; nil when absent or empty.
    func value(_ key: String) -> String? { values[key].flatMap { $0.isEmpty ? nil : $0 } }

    func has(_ key: String) -> Bool { value(key) != nil }

    /// `profile 'dev' (/home/me/.aws/config)`, for messages.
    var origin: String { "profile '\(name)' (\(files.joined(separator: ", ")))" }
}
