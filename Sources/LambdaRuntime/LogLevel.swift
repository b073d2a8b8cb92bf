/// The levels of `AWS_LAMBDA_LOG_LEVEL`, least to most severe.
package enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case trace, debug, info, warn, error, fatal

    /// The name Lambda uses, in the `level` field and the environment variable.
    package var name: String {
        switch self {
        case .trace: "TRACE"
        case .debug: "DEBUG"
        case .info: "INFO"
        case .warn: "WARN"
        case .error: "ERROR"
        case .fatal: "FATAL"
        }
    }

    /// Case-insensitive, as the Lambda console and CLI accept either.
    package init?(name: String) {
        guard let level = Self.allCases.first(where: { $0.name == name.uppercased() }) else { return nil }
        self = level
    }

    package static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// `AWS_LAMBDA_LOG_FORMAT`: plain text lines or one JSON object per line.
package enum LogFormat: String, Sendable, CaseIterable {
    case text = "Text"
    case json = "JSON"

    package init?(name: String) {
        guard let format = Self.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else { return nil }
        self = format
    }
}
