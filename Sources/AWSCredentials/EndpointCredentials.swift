import AWSQuery
import FoundationEssentials
import HTTP
import Primitives
import SigV4

/// What the container and instance metadata endpoints answer:
///
///     {"Code": "Success", "AccessKeyId": "…", "SecretAccessKey": "…",
///      "Token": "…", "Expiration": "2026-11-25T13:17:45Z"}
///
/// (`Code` only from instance metadata). Messages say what is wrong with an
/// answer, never what it holds, and quote a `Code` or `code` only when it
/// looks like one: a hostile endpoint could echo what it was sent.
enum EndpointCredentials {
    /// An answer is a few hundred bytes.
    static let maximumAnswerBytes = 64 << 10

    private struct Answer: Decodable {
        var Code: String?
        var AccessKeyId: String?
        var SecretAccessKey: String?
        var Token: String?
        var Expiration: String?
    }

    private struct ErrorAnswer: Decodable {
        var code: String?
        var Code: String?
    }

    static func credentials(from body: [UInt8], source: String, operation: String) throws(AWSError) -> Credentials {
        func refuse(_ problem: String) -> AWSError {
            AWSError(code: .invalidResponse, message: "\(source) \(problem)", operation: operation)
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(body)) else {
            throw refuse("answered with something other than a JSON object of credentials")
        }
        if let code = answer.Code, code != "Success" {
            throw refuse("answered Code \(printable(code) ?? "(not an identifier)") instead of Success")
        }
        guard let keyId = answer.AccessKeyId, !keyId.isEmpty, let secret = answer.SecretAccessKey, !secret.isEmpty else {
            throw refuse("answered without AccessKeyId or SecretAccessKey")
        }
        guard let expirationText = answer.Expiration, let expiration = Timestamp.parse(expirationText) else {
            throw refuse("answered without a valid Expiration")
        }
        let token = answer.Token.flatMap { $0.isEmpty ? nil : $0 }
        return Credentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: token, expiration: expiration)
    }

    /// `HTTP 404` plus the answer's error code when it has a printable one.
    static func describe(_ response: HTTPResponse) -> String {
        let answer = try? JSONDecoder().decode(ErrorAnswer.self, from: Data(response.body))
        let code = (answer?.code ?? answer?.Code).flatMap(printable)
        return "HTTP \(response.status)" + (code.map { " (\($0))" } ?? "")
    }

    /// `text` when it looks like an error code (letters, digits, `.`, `_`, `-`, up to 64), else nil.
    static func printable(_ text: String) -> String? {
        guard !text.isEmpty, text.utf8.count <= 64,
              text.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("a"..."z").contains($0)
                  || ("0"..."9").contains($0) || $0 == "." || $0 == "_" || $0 == "-" }) else { return nil }
        return text
    }

    /// An `AWSError` for a failure below HTTP: `DeadlineExceeded` once the
    /// deadline has passed, else `NetworkError` (or `InvalidResponse` for an oversized answer).
    static func transportFailure(_ error: TransportError, source: String, operation: String, deadline: Date, now: Date) -> AWSError {
        let code: AWSError.Code
        switch error.kind {
        case .responseTooLarge: code = .invalidResponse
        case .tls: code = .tlsError
        case .timedOut where now >= deadline: code = .deadlineExceeded
        default: code = .networkError
        }
        return AWSError(code: code, message: "\(source): \(error)", operation: operation, underlying: error)
    }
}
