import FoundationEssentials

/// Sends one request and returns the whole response. The libcurl transport is
/// the real one; tests inject their own.
public protocol HTTPTransport: AnyObject {
    /// - Parameter timeout: the longest the whole exchange may take, in seconds; nil for no limit.
    func send(_ request: HTTPRequest, timeout: Double?) throws(TransportError) -> HTTPResponse
}

/// A failure below HTTP: no status code was received.
public struct TransportError: Error, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case connectionFailed   // refused, reset, DNS
        case timedOut
        case tls                // certificate verification or CA bundle: never transient
        case responseTooLarge
        case other
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}
