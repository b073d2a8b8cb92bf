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
    /// For `responseTooLarge`: the status and headers that arrived before the
    /// body was refused (the body itself is left empty).
    package var partialResponse: HTTPResponse?

    package init(_ kind: Kind, _ message: String, partialResponse: HTTPResponse? = nil) {
        self.kind = kind
        self.message = message
        self.partialResponse = partialResponse
    }

    package var description: String { "\(kind.rawValue): \(message)" }
}
