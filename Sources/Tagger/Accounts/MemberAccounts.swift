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
    /// Makes an EC2 client of a region on a connection of its own.
    package typealias ParallelEC2Maker = (_ region: String, _ credentials: any CredentialsProvider) throws -> any EC2API

    private let central: CentralMode
    private let partition: Partition
    private let iamRegion: String
    private let sts: any STSAPI
    private let clock: any WallClock
    private let queryClient: QueryClientMaker
    private let parallelEC2: ParallelEC2Maker?

    /// - Parameters:
    ///   - sts: STS at the function's regional endpoint, signed with the function's own credentials.
    ///   - partition: the function's, which is the member roles' one.
    ///   - region: the function's region.
    package init(central: CentralMode, partition: Partition, region: String, sts: any STSAPI, clock: any WallClock,
                 queryClient: @escaping QueryClientMaker, parallelEC2: ParallelEC2Maker? = nil) {
        self.central = central
        self.partition = partition
        self.iamRegion = region
        self.sts = sts
        self.clock = clock
        self.queryClient = queryClient
        self.parallelEC2 = parallelEC2
    }

    /// The clients of `account` (12 digits, checked by the caller). Nothing is
    /// sent until the tagger first needs one.
    package func clients(account: String) -> AccountClients {
        let roleArn = central.memberRoleArn(account: account, partition: partition)
        // 15-minute sessions renewed 2 minutes before they end: one AssumeRole
        // per member account about every 13 minutes in a warm container.
        let role = AssumedRoleSource(sts: sts, roleArn: roleArn, sessionName: central.sessionName, externalId: central.externalId)
        let credentials = RefreshingCredentialsProvider(source: role, clock: clock, advisoryMargin: 120)
        let iamRegion = iamRegion
        let queryClient = queryClient
        return AccountClients(
            memberRoleArn: roleArn,
            iam: { IAMClient(client: try queryClient("iam", iamRegion, IAMClient.apiVersion, credentials)) },
            ec2: { region in EC2Client(client: try queryClient("ec2", region, EC2Client.apiVersion, credentials)) },
            parallelEC2: parallelEC2.map { make in { region in try make(region, credentials) } })
    }
}
