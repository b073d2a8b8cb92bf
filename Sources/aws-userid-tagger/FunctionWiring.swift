import AWSCredentials
import AWSQuery
import CurlHTTP
import EC2
import EventBridge
import FoundationEssentials
import HTTP
import IAM
import Organizations
import Primitives
import STS
import Tagger

/// Builds the tagger from the environment: configuration, credentials,
/// endpoints, retry policy and one libcurl transport shared by all AWS calls
/// but those of regions swept at once, which get one each. Everything is
/// validated here, once, so a bad setting fails at start.
enum FunctionWiring {
    /// How long finding credentials may take at start (a `credential_process`
    /// helper, an STS call, instance metadata's one-second tries).
    static let credentialsDeadline = 60.0

    /// How long the GetRole sent at start (`prefetchingRoleId`) may take: Lambda's own limit for init.
    static let prefetchDeadline = 10.0

    /// - Parameter prefetchingRoleId: Lambda mode: start reading the users'
    ///   RoleId now (`TaggingService.prefetchRoleId`), in one attempt: should
    ///   it fail, the first event calls GetRole itself with the usual retries.
    static func makeTagger(environment: [String: String], clock: WallClock, prefetchingRoleId: Bool = false) throws -> TaggingService {
        // Read only if the environment lacks the region or the keys: under Lambda, never.
        let sharedFiles = SharedConfigFiles(environment: environment, files: LocalFiles())
        let configuration = try TaggerConfiguration(environment: environment, profileRegion: sharedFiles.region)
        let endpoints = try EndpointResolver(environment: environment)
        let retryPolicy = try RetryPolicy(environment: environment)
        let transportOptions = CurlTransport.Options(trustStore: TrustStore.resolve(environment: environment))
        let credentials = try CredentialsChain.resolve(
            sharedFiles: sharedFiles, region: configuration.region,
            dependencies: credentialsDependencies(environment: environment, clock: clock, endpoints: endpoints,
                                                  retryPolicy: retryPolicy, transportOptions: transportOptions),
            deadline: clock.now.addingTimeInterval(credentialsDeadline)).provider
        let transport = CurlTransport(options: transportOptions)

        func client(service: String, region: String, apiVersion: String, credentials: any CredentialsProvider) throws -> QueryClient {
            QueryClient(endpoint: try endpoints.endpoint(service: service, region: region), apiVersion: apiVersion,
                        credentials: credentials, transport: transport, clock: clock, retryPolicy: retryPolicy)
        }
        /// An EC2 client on a connection of its own, for one thread of a sweep.
        func parallelEC2(region: String, credentials: any CredentialsProvider) throws -> any EC2API {
            EC2Client(client: QueryClient(endpoint: try endpoints.endpoint(service: "ec2", region: region), apiVersion: EC2Client.apiVersion,
                                          credentials: credentials, transport: CurlTransport(options: transportOptions),
                                          clock: clock, retryPolicy: retryPolicy))
        }
        // Resolve once now so a bad override or region fails at start, not in the first event.
        let ec2Endpoint = try endpoints.endpoint(service: "ec2", region: configuration.region)

        guard let central = configuration.central else {
            // IAM on a connection of its own unless it is EC2's host (a local
            // stand-in) or never called (ROLE_ID): on AWS the GetRole sent at
            // start then runs beside the first event's DescribeInstances
            // instead of waiting for its turn.
            let iamEndpoint = try endpoints.endpoint(service: "iam", region: configuration.region)
            let iamTransport = configuration.roleId == nil && iamEndpoint.origin != ec2Endpoint.origin
                ? CurlTransport(options: transportOptions) : transport
            func iamClient(retryPolicy: RetryPolicy) -> IAMClient {
                IAMClient(client: QueryClient(endpoint: iamEndpoint, apiVersion: IAMClient.apiVersion, credentials: credentials,
                                              transport: iamTransport, clock: clock, retryPolicy: retryPolicy))
            }
            let tagger = TaggingService(configuration: configuration, clock: clock) { _ in
                AccountClients(
                    iam: { iamClient(retryPolicy: retryPolicy) },
                    ec2: { region in EC2Client(client: try client(service: "ec2", region: region, apiVersion: EC2Client.apiVersion, credentials: credentials)) },
                    parallelEC2: { region in try parallelEC2(region: region, credentials: credentials) })
            }
            if prefetchingRoleId {
                tagger.prefetchRoleId(using: iamClient(retryPolicy: RetryPolicy(maxAttempts: 1)),
                                      deadline: clock.now.addingTimeInterval(prefetchDeadline))
            }
            return tagger
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
        // Without ALLOWED_ACCOUNTS, they also list the organization's accounts
        // the fan-out covers (Organizations' one endpoint of the partition).
        let organizations = configuration.eventBus != nil && configuration.allowedAccounts.isEmpty ? {
            () throws -> any OrganizationsAPI in
            OrganizationsClient(client: JSONProtocolClient(
                endpoint: try endpoints.endpoint(service: "organizations", region: configuration.region),
                targetPrefix: OrganizationsClient.targetPrefix, credentials: credentials, transport: transport, clock: clock,
                retryPolicy: retryPolicy))
        } : nil
        return TaggingService(configuration: configuration, clock: clock, accounts: { account in
            // `action(for:)` gives every central-mode request a checked member account.
            members.clients(account: account ?? "")
        }, eventBridge: eventBridge, organizations: organizations)
    }

    /// What the credentials chain may use beyond the environment, each made
    /// only when its source is: the file system, `posix_spawn`, a libcurl
    /// transport of its own per source (a refresh can happen on any thread of
    /// a sweep), and STS for `role_arn` profiles.
    private static func credentialsDependencies(environment: [String: String], clock: WallClock, endpoints: EndpointResolver,
                                                retryPolicy: RetryPolicy, transportOptions: CurlTransport.Options) -> CredentialsDependencies {
        CredentialsDependencies(
            environment: environment, clock: clock, files: LocalFiles(), processes: SpawnedProcesses(),
            transport: { kind throws(TransportError) in
                switch kind {
                case .local(let connectTimeout):
                    // Link-local and loopback endpoints: never through a proxy, a small answer.
                    CurlTransport(options: .init(connectTimeout: connectTimeout, maxResponseBytes: 64 << 10, ignoreProxyEnvironment: true))
                case .internet:
                    CurlTransport(options: transportOptions)
                }
            },
            sts: { region, credentials throws(ConfigurationError) in
                STSClient(client: QueryClient(endpoint: try endpoints.endpoint(service: "sts", region: region),
                                              apiVersion: STSClient.apiVersion, credentials: credentials,
                                              transport: CurlTransport(options: transportOptions), clock: clock,
                                              retryPolicy: retryPolicy))
            })
    }
}
