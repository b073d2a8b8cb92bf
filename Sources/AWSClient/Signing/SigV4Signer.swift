import FoundationEssentials

// PLACEHOLDER API — the signer helper replaces this file's body (keep the public signatures).

/// AWS Signature Version 4 for one credential scope (region + service).
public struct SigV4Signer: Sendable {
    public let credentials: Credentials
    public let region: String
    public let service: String

    public init(credentials: Credentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// Adds `X-Amz-Date`, `X-Amz-Security-Token` (when there is a session token)
    /// and `Authorization` to `request`, signing its body's SHA-256.
    public func sign(_ request: inout HTTPRequest, date: Date) {
        fatalError("not implemented yet")
    }
}
