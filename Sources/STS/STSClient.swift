import AWSQuery
import FoundationEssentials
import Primitives
import SigV4
import XML

/// What cross-account tagging needs of STS; `STSClient` is the real one.
package protocol STSAPI: AnyObject {
    func assumeRole(roleArn: String, sessionName: String, externalId: String?, durationSeconds: Int,
                    deadline: Date) throws(AWSError) -> Credentials
}

/// STS's Query API, version 2011-06-15, at a regional endpoint.
package final class STSClient: STSAPI {
    package static let apiVersion = "2011-06-15"
    private let client: QueryClient

    package init(client: QueryClient) { self.client = client }

    /// Temporary credentials of `roleArn`. The response holds a secret: it is
    /// read into `Credentials` (whose description redacts it) and nothing else.
    package func assumeRole(roleArn: String, sessionName: String, externalId: String? = nil, durationSeconds: Int = 900,
                           deadline: Date) throws(AWSError) -> Credentials {
        var parameters = [("RoleArn", roleArn), ("RoleSessionName", sessionName), ("DurationSeconds", String(durationSeconds))]
        if let externalId { parameters.append(("ExternalId", externalId)) }
        let root = try client.send(action: "AssumeRole", parameters: parameters, deadline: deadline)
        guard let credentials = root.firstDescendant("Credentials"),
              let keyId = credentials.child("AccessKeyId")?.text, !keyId.isEmpty,
              let secret = credentials.child("SecretAccessKey")?.text, !secret.isEmpty,
              let token = credentials.child("SessionToken")?.text, !token.isEmpty,
              let expirationText = credentials.child("Expiration")?.text,
              let expiration = ISO8601Timestamp.parse(expirationText)
        else {
            throw AWSError(code: .invalidResponse,
                           message: "AssumeRole response for \(roleArn) lacks AccessKeyId, SecretAccessKey, SessionToken or a valid Expiration",
                           operation: "sts:AssumeRole")
        }
        return Credentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: token, expiration: expiration)
    }
}
