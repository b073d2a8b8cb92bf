import FoundationEssentials

/// Sends one request and returns the whole response. The libcurl transport is
/// the real one; tests inject their own.
package protocol HTTPTransport: AnyObject {
    /// - Parameter timeout: the longest the whole exchange may take, in seconds; nil for no limit.
    func send(_ request: HTTPRequest, timeout: Double?) throws(TransportError) -> HTTPResponse
}

/// A failure below HTTP: no status code was received.
package struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Kind: String, Sendable {
        case connectionFailed   // refused, reset, DNS
        case timedOut
        case tls                // certificate verification or CA bundle: never transient
        case responseTooLarge
        case other
    }

    package var kind: Kind
    package var message: String

    package init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    package var description: String { "\(kind.rawValue): \(message)" }
}
