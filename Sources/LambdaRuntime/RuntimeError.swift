import HTTP

/// Why talking to the Runtime API failed. One error type for the layer, with
/// a code to switch on; `requestId` names the invocation when one is known.
package struct RuntimeError: Error, Equatable, CustomStringConvertible {
    package enum Code: String, Sendable {
        case missingRequestId
        case invalidRequestId
        case missingDeadline
        case invalidDeadline
        /// The event is over the read limit: it is not buffered, and its
        /// invocation is answered with an error.
        case eventTooLarge
        /// The Runtime API answered with a status the protocol does not allow.
        case unexpectedStatus
        /// The Runtime API said its container is broken (HTTP 500): the runtime must exit.
        case containerError
        /// No HTTP answer at all (connection refused, reset, timed out).
        case transportFailed
    }

    package var code: Code
    package var message: String
    package var requestId: String?
    /// The transport's failure, for `transportFailed`.
    package var underlying: TransportError?

    package init(_ code: Code, _ message: String, requestId: String? = nil, underlying: TransportError? = nil) {
        self.code = code
        self.message = message
        self.requestId = requestId
        self.underlying = underlying
    }

    package var description: String {
        "\(code.rawValue): \(message)" + (requestId.map { " (invocation \($0))" } ?? "")
    }
}
