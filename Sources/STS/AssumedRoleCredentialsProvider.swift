import AWSQuery
import FoundationEssentials
import Primitives
import SigV4
import XML

/// Credentials of a role in another account, assumed through STS and reused
/// until `refreshMargin` before they expire, so one warm container assumes
/// each member role about once per credential lifetime.
package final class AssumedRoleCredentialsProvider: CredentialsProvider {
    package let roleArn: String
    private let sts: STSAPI
    private let sessionName: String
    private let externalId: String?
    private let durationSeconds: Int
    private let refreshMargin: Double
    private let clock: WallClock
    private var cached: Credentials?

    package init(sts: STSAPI, roleArn: String, sessionName: String, externalId: String? = nil,
                durationSeconds: Int = 900, refreshMargin: Double = 120, clock: WallClock) {
        self.sts = sts
        self.roleArn = roleArn
        self.sessionName = sessionName
        self.externalId = externalId
        self.durationSeconds = durationSeconds
        self.refreshMargin = refreshMargin
        self.clock = clock
    }

    package func credentials(deadline: Date) throws(AWSError) -> Credentials {
        if let cached, let expiration = cached.expiration, clock.now.addingTimeInterval(refreshMargin) < expiration {
            return cached
        }
        let fresh = try sts.assumeRole(roleArn: roleArn, sessionName: sessionName, externalId: externalId,
                                       durationSeconds: durationSeconds, deadline: deadline)
        cached = fresh
        return fresh
    }
}
