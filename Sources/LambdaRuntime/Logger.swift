import FoundationEssentials
import HTTP
import Primitives
#if canImport(Glibc)
import Glibc
#endif

/// Writes log records one line each, as Lambda's own runtimes do, to stderr
/// (stdout is the result channel of `invoke`). Settings are read once; the
/// loop sets `requestId` for the length of an invocation so every line of it
/// carries the id.
///
/// Only messages and explicit string fields are logged: there is deliberately
/// no way to log a request, its headers or credentials.
package final class Logger {
    package let level: LogLevel
    package let format: LogFormat
    /// The invocation being handled, if any; set by `RuntimeLoop`.
    package var requestId: String?
    private let clock: WallClock
    private let sink: (String) -> Void

    /// - Parameter sink: receives each finished line, without its newline.
    package init(level: LogLevel = .info, format: LogFormat = .text, clock: WallClock = SystemClock(),
                sink: @escaping (String) -> Void = Logger.writeToStandardError) {
        self.level = level
        self.format = format
        self.clock = clock
        self.sink = sink
    }

    /// Reads `AWS_LAMBDA_LOG_FORMAT` (`Text` or `JSON`, default Text) and
    /// `AWS_LAMBDA_LOG_LEVEL` (TRACE … FATAL, default INFO).
    package convenience init(environment: [String: String], clock: WallClock = SystemClock(),
                            sink: @escaping (String) -> Void = Logger.writeToStandardError) throws(ConfigurationError) {
        var format = LogFormat.text
        if let name = environment["AWS_LAMBDA_LOG_FORMAT"], !name.isEmpty {
            guard let parsed = LogFormat(name: name) else {
                throw ConfigurationError(setting: "AWS_LAMBDA_LOG_FORMAT", problem: "'\(name.prefix(32))' is not Text or JSON")
            }
            format = parsed
        }
        var level = LogLevel.info
        if let name = environment["AWS_LAMBDA_LOG_LEVEL"], !name.isEmpty {
            guard let parsed = LogLevel(name: name) else {
                throw ConfigurationError(setting: "AWS_LAMBDA_LOG_LEVEL",
                                         problem: "'\(name.prefix(32))' is not one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL")
            }
            level = parsed
        }
        self.init(level: level, format: format, clock: clock, sink: sink)
    }

    package func isEnabled(_ level: LogLevel) -> Bool { level >= self.level }

    /// Writes one record if `level` is enabled; `message` is only built then.
    /// `fields` are extra string fields (JSON keys, or `key=value` in text);
    /// ones named like the standard fields are dropped so no key repeats.
    package func log(_ level: LogLevel, _ message: @autoclosure () -> String, fields: [(String, String)] = []) {
        guard isEnabled(level) else { return }
        let timestamp = ISO8601Timestamp.format(clock.now, milliseconds: true)
        switch format {
        case .json: sink(jsonLine(timestamp: timestamp, level: level, message: message(), fields: fields))
        case .text: sink(textLine(timestamp: timestamp, level: level, message: message(), fields: fields))
        }
    }

    package func trace(_ message: @autoclosure () -> String, fields: [(String, String)] = []) { log(.trace, message(), fields: fields) }
    package func debug(_ message: @autoclosure () -> String, fields: [(String, String)] = []) { log(.debug, message(), fields: fields) }
    package func info(_ message: @autoclosure () -> String, fields: [(String, String)] = []) { log(.info, message(), fields: fields) }
    package func warn(_ message: @autoclosure () -> String, fields: [(String, String)] = []) { log(.warn, message(), fields: fields) }
    package func error(_ message: @autoclosure () -> String, fields: [(String, String)] = []) { log(.error, message(), fields: fields) }
    package func fatal(_ message: @autoclosure () -> String, fields: [(String, String)] = []) { log(.fatal, message(), fields: fields) }

    /// Writes `object`, one JSON object, as a line of its own whatever the log
    /// format and level: embedded-metric records must be whole JSON lines for
    /// CloudWatch Logs to read them. In the JSON format the record is a log
    /// line too, so `object` should carry `level` and `requestId` (see
    /// `jsonProperties`).
    package func record(_ object: String) {
        sink(object)
    }

    /// The members of a JSON log line, for a record written with `record`
    /// when the format is JSON; none in the Text format.
    package func jsonProperties(level: LogLevel, message: String) -> [(String, String)] {
        guard format == .json else { return [] }
        return [("timestamp", ISO8601Timestamp.format(clock.now, milliseconds: true)), ("level", level.name), ("message", message)]
            + (requestId.map { [("requestId", $0)] } ?? [])
    }

    private static let standardFields: Set<String> = ["timestamp", "level", "message", "requestId"]

    private func jsonLine(timestamp: String, level: LogLevel, message: String, fields: [(String, String)]) -> String {
        var line = "{\"timestamp\":\"\(timestamp)\",\"level\":\"\(level.name)\",\"message\":"
        line += JSONText.quoted(message)
        if let requestId { line += ",\"requestId\":" + JSONText.quoted(requestId) }
        for (name, value) in fields where !Self.standardFields.contains(name) {
            line += "," + JSONText.quoted(name) + ":" + JSONText.quoted(value)
        }
        return line + "}"
    }

    /// `timestamp<TAB>LEVEL<TAB>requestId<TAB>message key=value…`; the request id
    /// column is left out outside an invocation. Control characters are
    /// escaped as in JSON so a record never spans two lines.
    private func textLine(timestamp: String, level: LogLevel, message: String, fields: [(String, String)]) -> String {
        var line = timestamp + "\t" + level.name + "\t"
        if let requestId { line += Self.singleLine(requestId) + "\t" }
        line += Self.singleLine(message)
        for (name, value) in fields where !Self.standardFields.contains(name) {
            line += " " + Self.singleLine(name) + "=" + Self.singleLine(value)
        }
        return line
    }

    private static func singleLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return text }
        var escaped = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 { JSONText.appendEscaped(String(scalar), to: &escaped) } else { escaped.unicodeScalars.append(scalar) }
        }
        return escaped
    }

    /// Writes `line` and a newline to stderr with one `write`, so lines from
    /// different writers never interleave mid-line.
    package static func writeToStandardError(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(2, $0.baseAddress! + offset, $0.count - offset) }
            if written > 0 { offset += written } else if written < 0 && errno == EINTR { continue } else { return }
        }
    }
}
