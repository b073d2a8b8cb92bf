import AWSQuery
import FoundationEssentials
import SigV4

/// A role assumed through STS: each fetch is one `AssumeRole`. Kept and
/// renewed by a `RefreshingCredentialsProvider`.
package final class AssumedRoleSource: CredentialsSource {
    package let name: String
    package let roleArn: String
    private let sts: any STSAPI
    private let sessionName: String
    private let externalId: String?
    private let durationSeconds: Int

    /// - Parameter name: what to call the source in messages; default "role <ARN>".
    package init(sts: any STSAPI, roleArn: String, sessionName: String, externalId: String? = nil,
                 durationSeconds: Int = 900, name: String? = nil) {
        self.sts = sts
        self.roleArn = roleArn
        self.sessionName = sessionName
        self.externalId = externalId
        self.durationSeconds = durationSeconds
        self.name = name ?? "role \(roleArn)"
    }

    package func fetch(deadline: Date) throws(AWSError) -> Credentials {
        try sts.assumeRole(roleArn: roleArn, sessionName: sessionName, externalId: externalId,
                           durationSeconds: durationSeconds, deadline: deadline)
    }
}
