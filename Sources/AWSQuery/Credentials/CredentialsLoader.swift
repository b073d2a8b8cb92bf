import FoundationEssentials
import Primitives
import SigV4
#if canImport(Glibc)
import Glibc
#endif

/// Finds the credentials to sign with, as the AWS SDKs do for static keys:
/// `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN` (what
/// Lambda sets), else a profile (`AWS_PROFILE`, default `default`) of the
/// shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`, default
/// `$HOME/.aws/credentials`).
///
/// Errors name the setting, profile, file, key or line at fault and never
/// quote a key id, secret, token or file line, so no secret can reach a log.
package enum CredentialsLoader {
    /// A credentials file is a few hundred bytes; this bound keeps a wrong path
    /// (a device, a huge file) from hanging or exhausting the init.
    static let maximumFileSize = 1 << 20

    package static func load(environment: [String: String]) throws(ConfigurationError) -> Credentials {
        if let credentials = try fromEnvironment(environment) { return credentials }
        return try fromSharedCredentialsFile(environment: environment)
    }

    /// The environment's keys; nil when none of the three variables is set.
    static func fromEnvironment(_ environment: [String: String]) throws(ConfigurationError) -> Credentials? {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let accessKeyId = value("AWS_ACCESS_KEY_ID")
        let secretAccessKey = value("AWS_SECRET_ACCESS_KEY")
        let sessionToken = value("AWS_SESSION_TOKEN")
        switch (accessKeyId, secretAccessKey) {
        case let (accessKeyId?, secretAccessKey?):
            return Credentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: sessionToken)
        case (_?, nil):
            throw ConfigurationError(setting: "AWS_SECRET_ACCESS_KEY", problem: "not set (AWS_ACCESS_KEY_ID is)")
        case (nil, _?):
            throw ConfigurationError(setting: "AWS_ACCESS_KEY_ID", problem: "not set (AWS_SECRET_ACCESS_KEY is)")
        case (nil, nil):
            guard sessionToken == nil else {
                throw ConfigurationError(setting: "AWS_ACCESS_KEY_ID",
                                         problem: "not set, nor AWS_SECRET_ACCESS_KEY (AWS_SESSION_TOKEN is)")
            }
            return nil
        }
    }

    static func fromSharedCredentialsFile(environment: [String: String]) throws(ConfigurationError) -> Credentials {
        let profile = environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        let explicitFile = environment["AWS_SHARED_CREDENTIALS_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        let path: String
        if let explicitFile {
            path = explicitFile
        } else if let home = environment["HOME"], !home.isEmpty {
            path = home + "/.aws/credentials"
        } else {
            throw ConfigurationError(setting: "AWS_ACCESS_KEY_ID",
                                     problem: "not set, and HOME is not set to find a shared credentials file")
        }
        let text: String
        switch readFile(path) {
        case .success(let contents):
            text = contents
        case .failure(.missing) where explicitFile == nil:
            throw ConfigurationError(setting: "AWS_ACCESS_KEY_ID", problem: "not set, and there is no \(path)")
        case .failure(let error):
            throw ConfigurationError(setting: "AWS_SHARED_CREDENTIALS_FILE", problem: "cannot read \(path): \(error)")
        }
        return try credentials(ofProfile: profile, in: text, file: path)
    }

    /// Reads one profile of a credentials file in the INI dialect the AWS CLI
    /// writes: `[name]` sections, `key = value` lines, `#`/`;` comment lines,
    /// LF or CRLF line ends.
    /// Keys are case-insensitive; a repeated key takes the last value.
    static func credentials(ofProfile profile: String, in text: String, file: String) throws(ConfigurationError) -> Credentials {
        var section: String?
        var found = false
        var keys: [String: String] = [:]
        for (number, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else { throw malformed(line: number + 1, file: file) }
                section = line.dropFirst().dropLast().trimmingWhitespace()
                found = found || section == profile
                continue
            }
            guard let equals = line.firstIndex(of: "="), section != nil else {
                throw malformed(line: number + 1, file: file)
            }
            guard section == profile else { continue }
            keys[line[..<equals].trimmingWhitespace().lowercased()] = line[line.index(after: equals)...].trimmingWhitespace()
        }
        let setting = "AWS_PROFILE"
        guard found else {
            throw ConfigurationError(setting: setting, problem: "profile '\(profile)' not found in \(file)")
        }
        func value(_ key: String) -> String? { keys[key].flatMap { $0.isEmpty ? nil : $0 } }
        guard let accessKeyId = value("aws_access_key_id") else {
            throw ConfigurationError(setting: setting, problem: "profile '\(profile)' in \(file) has no aws_access_key_id")
        }
        guard let secretAccessKey = value("aws_secret_access_key") else {
            throw ConfigurationError(setting: setting, problem: "profile '\(profile)' in \(file) has no aws_secret_access_key")
        }
        return Credentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: value("aws_session_token"))
    }

    /// Names the line only: its text may hold a secret.
    private static func malformed(line: Int, file: String) -> ConfigurationError {
        ConfigurationError(setting: "AWS_SHARED_CREDENTIALS_FILE",
                           problem: "line \(line) of \(file) is not a [profile] header, a key = value line or a comment")
    }

    enum ReadError: Error, Equatable, CustomStringConvertible {
        case missing
        case tooLarge
        case system(String)

        var description: String {
            switch self {
            case .missing: "no such file"
            case .tooLarge: "larger than \(CredentialsLoader.maximumFileSize) bytes"
            case .system(let reason): reason
            }
        }
    }

    static func readFile(_ path: String) -> Result<String, ReadError> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            return .failure(errno == ENOENT ? .missing : .system(String(cString: strerror(errno))))
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(.system(String(cString: strerror(errno))))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
            if bytes.count > maximumFileSize { return .failure(.tooLarge) }
        }
        // A UTF-8 byte order mark, as some Windows editors write, is not part of the first line.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        return .success(String(decoding: bytes, as: UTF8.self))
    }
}
