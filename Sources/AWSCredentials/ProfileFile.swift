import Primitives

/// One shared file, `credentials` or `config`, read in the INI dialect the AWS
/// CLI reads and writes (AWS SDKs and Tools Reference Guide, "Using shared
/// config and credentials files"): `[section]` headers, `key = value` lines,
/// `#` and `;` comment lines, LF or CRLF line ends, a UTF-8 byte order mark
/// ignored. Keys are case-insensitive; a repeated key or section takes the
/// last value. Indented lines under a key with an empty value are that key's
/// sub-settings (`s3 =` then `  max_concurrent_requests = 10`) and are skipped:
/// no setting this tool reads has any.
///
/// Errors name the file and line, never the line's text: it may hold a secret.
struct ProfileFile {
    enum Kind {
        /// `[name]` sections are profiles.
        case credentials
        /// `[default]` and `[profile name]` are profiles; `[sso-session name]` are IAM Identity Center sessions.
        case config

        /// The variable that names the file, for errors.
        var setting: String {
            switch self {
            case .credentials: "AWS_SHARED_CREDENTIALS_FILE"
            case .config: "AWS_CONFIG_FILE"
            }
        }
    }

    let path: String
    let kind: Kind
    /// Section name as written between the brackets, trimmed → its keys (lower case) and values.
    private(set) var sections: [String: [String: String]] = [:]

    init(path: String, kind: Kind, sections: [String: [String: String]] = [:]) {
        self.path = path
        self.kind = kind
        self.sections = sections
    }

    init(text: String, path: String, kind: Kind) throws(ConfigurationError) {
        self.init(path: path, kind: kind)
        var section: String?
        var subSettingsOf: String?
        for (number, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let indented = rawLine.first == " " || rawLine.first == "\t"
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard let close = line.firstIndex(of: "]") else { throw malformed(line: number + 1) }
                let after = line[line.index(after: close)...].trimmingWhitespace()
                guard after.isEmpty || after.hasPrefix("#") || after.hasPrefix(";") else { throw malformed(line: number + 1) }
                let name = line[line.index(after: line.startIndex)..<close].trimmingWhitespace()
                section = name
                subSettingsOf = nil
                if sections[name] == nil { sections[name] = [:] }
                continue
            }
            if indented, subSettingsOf != nil { continue }
            guard let equals = line.firstIndex(of: "="), let current = section else { throw malformed(line: number + 1) }
            let key = line[..<equals].trimmingWhitespace().lowercased()
            guard !key.isEmpty else { throw malformed(line: number + 1) }
            let value = line[line.index(after: equals)...].trimmingWhitespace()
            sections[current, default: [:]][key] = value
            subSettingsOf = value.isEmpty ? key : nil
        }
    }

    /// The profiles of the file, by name.
    var profiles: [String: [String: String]] {
        switch kind {
        case .credentials:
            return sections
        case .config:
            var profiles: [String: [String: String]] = [:]
            // `[profile default]` is the default profile too, and wins over `[default]`.
            if let plain = sections["default"] { profiles["default"] = plain }
            for (name, values) in sections {
                guard let profile = Self.name(of: name, prefix: "profile") else { continue }
                profiles[profile, default: [:]].merge(values) { _, new in new }
            }
            return profiles
        }
    }

    /// `[sso-session name]` sections of a config file.
    var ssoSessions: [String: [String: String]] {
        guard kind == .config else { return [:] }
        var sessions: [String: [String: String]] = [:]
        for (name, values) in sections {
            if let session = Self.name(of: name, prefix: "sso-session") { sessions[session] = values }
        }
        return sessions
    }

    /// `prefix name` → `name` (blanks between them), else nil.
    private static func name(of section: String, prefix: String) -> String? {
        guard section.hasPrefix(prefix) else { return nil }
        let rest = section.dropFirst(prefix.count)
        guard let first = rest.first, first == " " || first == "\t" else { return nil }
        let name = rest.trimmingWhitespace()
        return name.isEmpty ? nil : name
    }

    /// Names the line only: its text may hold a secret.
    private func malformed(line: Int) -> ConfigurationError {
        ConfigurationError(setting: kind.setting,
                           problem: "line \(line) of \(path) is not a [section] header, a key = value line or a comment")
    }
}
