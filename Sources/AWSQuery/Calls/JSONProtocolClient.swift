import FoundationEssentials
import HTTP
import Primitives

/// Sends signed calls in AWS's JSON 1.1 protocol (EventBridge's): `POST /`
/// with `X-Amz-Target: <prefix>.<Action>` and a JSON body; an error is a JSON
/// `{"__type": "…#Code", "message": "…"}` (or the `x-amzn-ErrorType` header).
package final class JSONProtocolClient {
    /// The target prefix: `AWSEvents` for EventBridge.
    package let targetPrefix: String
    private let caller: SignedCaller

    package init(endpoint: Endpoint, targetPrefix: String, credentials: CredentialsProvider, transport: HTTPTransport,
                 clock: WallClock, retryPolicy: RetryPolicy = RetryPolicy(),
                 unitRandom: @escaping () -> Double = { Double.random(in: 0..<1) }) {
        self.targetPrefix = targetPrefix
        caller = SignedCaller(endpoint: endpoint, credentials: credentials, transport: transport, clock: clock,
                              retryPolicy: retryPolicy, unitRandom: unitRandom)
    }

    /// Calls `action` with `body` (JSON) and decodes the answer as `Answer`.
    package func send<Answer: Decodable>(action: String, body: [UInt8], deadline: Date,
                                         as answer: Answer.Type) throws(AWSError) -> Answer {
        try caller.call(body: body, headers: [("Content-Type", "application/x-amz-json-1.1"),
                                              ("X-Amz-Target", "\(targetPrefix).\(action)")],
                        operation: "\(caller.endpoint.signingName):\(action)", deadline: deadline,
                        errorOf: Self.error) { (bytes: [UInt8]) throws(JSONAnswerError) -> Answer in
            do {
                return try JSONDecoder().decode(Answer.self, from: Data(bytes))
            } catch {
                throw JSONAnswerError(description: "not the JSON \(action) answers")
            }
        }
    }

    /// Reads a JSON-protocol error answer; like the Query reader, a body
    /// without a code is an `invalidResponse`, or a `serverError` for a 5xx.
    static func error(_ response: HTTPResponse, operation: String) -> AWSError {
        struct Body: Decodable {
            var type: String?
            var message: String?
            var capitalMessage: String?
            enum CodingKeys: String, CodingKey { case type = "__type", message, capitalMessage = "Message" }
        }
        let body = try? JSONDecoder().decode(Body.self, from: Data(response.body))
        let requestId = response.headers["x-amzn-RequestId"]
        // `x-amzn-ErrorType: Code:http://…` or `__type: namespace#Code`.
        let raw = response.headers["x-amzn-ErrorType"]?.split(separator: ":").first.map(String.init) ?? body?.type
        guard let code = raw?.split(separator: "#").last.map(String.init), !code.isEmpty else {
            return AWSError(code: response.status >= 500 ? .serverError(status: response.status) : .invalidResponse,
                            message: "HTTP \(response.status) without a readable AWS error body",
                            requestId: requestId, httpStatus: response.status, operation: operation)
        }
        return AWSError(code: .service(code), message: body?.message ?? body?.capitalMessage ?? "", requestId: requestId,
                        httpStatus: response.status, operation: operation)
    }
}

/// A JSON answer that does not decode as expected.
package struct JSONAnswerError: Error, Sendable, CustomStringConvertible {
    package var description: String
}
