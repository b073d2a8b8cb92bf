import AWSQuery
import CurlHTTP
import EC2
import FoundationEssentials
import HTTP
import IAM
import Primitives
import STS
import Tagger

/// Builds the tagger from the environment: configuration, credentials,
/// endpoints, retry policy and one libcurl transport shared by all AWS calls.
/// Everything is validated here, once, so a bad setting fails at start.
enum FunctionWiring {
    static func makeTagger(environment: [String: String], clock: WallClock) throws -> TaggingService {
        let configuration = try TaggerConfiguration(environment: environment)
        let credentials = StaticCredentialsProvider(try CredentialsLoader.load(environment: environment))
        let endpoints = try EndpointResolver(environment: environment)
        let retryPolicy = try RetryPolicy(environment: environment)
        let transport = try CurlTransport(options: .init(trustStore: TrustStore.resolve(environment: environment)))

        func client(service: String, region: String, apiVersion: String, credentials: any CredentialsProvider) throws -> QueryClient {
            QueryClient(endpoint: try endpoints.endpoint(service: service, region: region), apiVersion: apiVersion,
                        credentials: credentials, transport: transport, clock: clock, retryPolicy: retryPolicy)
        }
        // Resolve once now so a bad override or region fails at start, not in the first event.
        _ = try endpoints.endpoint(service: "ec2", region: configuration.region)

        guard let central = configuration.central else {
            return TaggingService(
                configuration: configuration, clock: clock,
                iam: { IAMClient(client: try client(service: "iam", region: configuration.region, apiVersion: IAMClient.apiVersion, credentials: credentials)) },
                ec2: { region in EC2Client(client: try client(service: "ec2", region: region, apiVersion: EC2Client.apiVersion, credentials: credentials)) })
        }
        // Central mode: the function's own credentials only ever call STS, at
        // the regional endpoint of its region; everything else runs as a member role.
        let sts = STSClient(client: try client(service: "sts", region: configuration.region, apiVersion: STSClient.apiVersion,
                                               credentials: credentials))
        let members = MemberAccounts(central: central, region: configuration.region, sts: sts, clock: clock, queryClient: client)
        return TaggingService(configuration: configuration, clock: clock) { account in
            // `action(for:)` gives every central-mode request a checked member account.
            members.clients(account: account ?? "")
        }
    }
}
