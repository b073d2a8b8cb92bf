import AWSQuery
import EC2
import FoundationEssentials
import IAM
import Primitives
import STS

/// Central mode's way into member accounts: per account, one assumed-role
/// credentials provider for its member role, shared by that account's IAM
/// and EC2 clients, so its credentials are fetched once and reused until
/// shortly before they expire.
package struct MemberAccounts {
    /// Makes a signed Query client for a service, region and credentials.
    package typealias QueryClientMaker = (_ service: String, _ region: String, _ apiVersion: String,
                                         _ credentials: any CredentialsProvider) throws -> QueryClient

    private let central: CentralMode
    private let partition: Partition
    private let iamRegion: String
    private let sts: any STSAPI
    private let clock: any WallClock
    private let queryClient: QueryClientMaker

    /// - Parameters:
    ///   - sts: STS at the function's regional endpoint, signed with the function's own credentials.
    ///   - region: the function's region: its partition is the member roles' one.
    package init(central: CentralMode, region: String, sts: any STSAPI, clock: any WallClock, queryClient: @escaping QueryClientMaker) {
        self.central = central
        self.partition = Partition(region: region) ?? .aws
        self.iamRegion = region
        self.sts = sts
        self.clock = clock
        self.queryClient = queryClient
    }

    /// The clients of `account` (12 digits, checked by the caller). Nothing is
    /// sent until the tagger first needs one.
    package func clients(account: String) -> AccountClients {
        let roleArn = central.memberRoleArn(account: account, partition: partition)
        let credentials = AssumedRoleCredentialsProvider(sts: sts, roleArn: roleArn, sessionName: central.sessionName,
                                                         externalId: central.externalId, clock: clock)
        let iamRegion = iamRegion
        let queryClient = queryClient
        return AccountClients(
            memberRoleArn: roleArn,
            iam: { IAMClient(client: try queryClient("iam", iamRegion, IAMClient.apiVersion, credentials)) },
            ec2: { region in EC2Client(client: try queryClient("ec2", region, EC2Client.apiVersion, credentials)) })
    }
}
