import FoundationEssentials
import HTTP
import Primitives
import SigV4
import XML

/// Sends signed AWS Query-protocol calls (`POST /`, form body) to one endpoint,
/// retrying per `RetryPolicy` without ever waiting past the caller's deadline.
package final class QueryClient {
    package let apiVersion: String
    private let caller: SignedCaller

    package var endpoint: Endpoint { caller.endpoint }

    package init(
        endpoint: Endpoint, apiVersion: String, credentials: CredentialsProvider,
        transport: HTTPTransport, clock: WallClock, retryPolicy: RetryPolicy = RetryPolicy(),
        unitRandom: @escaping () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.apiVersion = apiVersion
        caller = SignedCaller(endpoint: endpoint, credentials: credentials, transport: transport, clock: clock,
                              retryPolicy: retryPolicy, unitRandom: unitRandom)
    }

    /// Calls `action` and returns the root element of the response body.
    /// - Throws: `AWSError` with the service's code, or `NetworkError`,
    ///   `DeadlineExceeded` or `InvalidResponse`; `attempts` says how many requests were sent.
    package func send(action: String, parameters: [(String, String)], deadline: Date) throws(AWSError) -> XMLElement {
        try send(action: action, parameters: parameters, deadline: deadline) { body throws(XMLError) in try XMLReader.parse(body) }
    }

    /// Calls `action` and returns what `read` makes of the successful response
    /// body (a streaming reader of a large answer, say); a body `read` refuses
    /// is an `InvalidResponse`, as for `send`.
    package func send<Answer>(action: String, parameters: [(String, String)], deadline: Date,
                              read: ([UInt8]) throws(XMLError) -> Answer) throws(AWSError) -> Answer {
        let body = Array(QueryForm.encode([("Action", action), ("Version", apiVersion)] + parameters).utf8)
        return try caller.call(body: body, headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
                               operation: "\(caller.endpoint.signingName):\(action)", deadline: deadline,
                               errorOf: AWSError.fromResponse, read: read)
    }
}
