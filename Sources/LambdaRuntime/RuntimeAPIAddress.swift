import HTTP
import Primitives

/// The `host:port` of the Runtime API, from `AWS_LAMBDA_RUNTIME_API`
/// (`127.0.0.1:9001` on Lambda). Validated because it becomes a URL.
package struct RuntimeAPIAddress: Sendable, Equatable, CustomStringConvertible {
    package static let environmentVariable = "AWS_LAMBDA_RUNTIME_API"

    /// A host name, an IPv4 address, or an IPv6 address in brackets.
    package let host: String
    package let port: Int

    package init(_ text: String) throws(ConfigurationError) {
        func invalid(_ why: String) -> ConfigurationError {
            ConfigurationError(setting: Self.environmentVariable, problem: "'\(text.prefix(64))' \(why)")
        }
        guard let colon = text.lastIndex(of: ":") else { throw invalid("is not host:port") }
        let host = text[..<colon]
        guard let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
            throw invalid("has no valid port")
        }
        let isBracketedIPv6 = host.hasPrefix("[") && host.hasSuffix("]") && host.count > 2
            && host.dropFirst().dropLast().allSatisfy { ($0.isASCII && $0.isHexDigit) || $0 == ":" || $0 == "." }
        let isName = !host.isEmpty && host.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "." || $0 == "-" }
        guard isBracketedIPv6 || isName else { throw invalid("has an invalid host") }
        self.host = String(host)
        self.port = port
    }

    /// Reads `AWS_LAMBDA_RUNTIME_API`; nil when it is not set (not running under Lambda).
    package init?(environment: [String: String]) throws(ConfigurationError) {
        guard let text = environment[Self.environmentVariable] else { return nil }
        try self.init(text)
    }

    package var description: String { "\(host):\(port)" }
}
