import AWSQuery
import FoundationEssentials
import Primitives
import SigV4
import Synchronization
import XML

/// Credentials of a role in another account, assumed through STS and reused
/// until `refreshMargin` before they expire, so one warm container assumes
/// each member role about once per credential lifetime. Safe to share between
/// the threads of a sweep: one refresh at a time, the others wait for it.
package final class AssumedRoleCredentialsProvider: CredentialsProvider, @unchecked Sendable {
    package let roleArn: String
    private let sts: STSAPI
    private let sessionName: String
    private let externalId: String?
    private let durationSeconds: Int
    private let refreshMargin: Double
    private let clock: WallClock
    private let cached = Mutex<Credentials?>(nil)

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
        try cached.withLock { (cached: inout Credentials?) throws(AWSError) -> Credentials in
            if let current = cached, let expiration = current.expiration, clock.now.addingTimeInterval(refreshMargin) < expiration {
                return current
            }
            let fresh = try sts.assumeRole(roleArn: roleArn, sessionName: sessionName, externalId: externalId,
                                           durationSeconds: durationSeconds, deadline: deadline)
            cached = fresh
            return fresh
        }
    }
}
