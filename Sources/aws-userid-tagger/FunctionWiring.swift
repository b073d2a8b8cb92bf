import AWSQuery
import CurlHTTP
import EC2
import EventBridge
import FoundationEssentials
import HTTP
import IAM
import Primitives
import STS
import Tagger

/// Builds the tagger from the environment: configuration, credentials,
/// endpoints, retry policy and one libcurl transport shared by all AWS calls
/// but those of regions swept at once, which get one each. Everything is
/// validated here, once, so a bad setting fails at start.
enum FunctionWiring {
    static func makeTagger(environment: [String: String], clock: WallClock) throws -> TaggingService {
        let configuration = try TaggerConfiguration(environment: environment)
        let credentials = StaticCredentialsProvider(try CredentialsLoader.load(environment: environment))
        let endpoints = try EndpointResolver(environment: environment)
        let retryPolicy = try RetryPolicy(environment: environment)
        let transportOptions = CurlTransport.Options(trustStore: TrustStore.resolve(environment: environment))
        let transport = try CurlTransport(options: transportOptions)

        func client(service: String, region: String, apiVersion: String, credentials: any CredentialsProvider) throws -> QueryClient {
            QueryClient(endpoint: try endpoints.endpoint(service: service, region: region), apiVersion: apiVersion,
                        credentials: credentials, transport: transport, clock: clock, retryPolicy: retryPolicy)
        }
        /// An EC2 client on a connection of its own, for one thread of a sweep.
        func parallelEC2(region: String, credentials: any CredentialsProvider) throws -> any EC2API {
            EC2Client(client: QueryClient(endpoint: try endpoints.endpoint(service: "ec2", region: region), apiVersion: EC2Client.apiVersion,
                                          credentials: credentials, transport: try CurlTransport(options: transportOptions),
                                          clock: clock, retryPolicy: retryPolicy))
        }
        // Resolve once now so a bad override or region fails at start, not in the first event.
        _ = try endpoints.endpoint(service: "ec2", region: configuration.region)

        guard let central = configuration.central else {
            return TaggingService(configuration: configuration, clock: clock) { _ in
                AccountClients(
                    iam: { IAMClient(client: try client(service: "iam", region: configuration.region, apiVersion: IAMClient.apiVersion, credentials: credentials)) },
                    ec2: { region in EC2Client(client: try client(service: "ec2", region: region, apiVersion: EC2Client.apiVersion, credentials: credentials)) },
                    parallelEC2: { region in try parallelEC2(region: region, credentials: credentials) })
            }
        }
        // Central mode: the function's own credentials only ever call STS, at
        // the regional endpoint of its region; everything else runs as a member role.
        let sts = STSClient(client: try client(service: "sts", region: configuration.region, apiVersion: STSClient.apiVersion,
                                               credentials: credentials))
        let members = MemberAccounts(central: central, partition: configuration.partition, region: configuration.region, sts: sts,
                                     clock: clock, queryClient: client, parallelEC2: parallelEC2)
        // The function's own credentials publish the sweep requests on its bus.
        let eventBridge = configuration.eventBus.map { _ in
            { () throws -> any EventBridgeAPI in
                EventBridgeClient(client: JSONProtocolClient(
                    endpoint: try endpoints.endpoint(service: "events", region: configuration.region),
                    targetPrefix: EventBridgeClient.targetPrefix, credentials: credentials, transport: transport, clock: clock,
                    retryPolicy: retryPolicy))
            }
        }
        return TaggingService(configuration: configuration, clock: clock, accounts: { account in
            // `action(for:)` gives every central-mode request a checked member account.
            members.clients(account: account ?? "")
        }, eventBridge: eventBridge)
    }
}
