import AWSClient
import EC2
import FoundationEssentials
import IAM

/// Handles events and sweeps: decode, decide, then the fewest AWS calls (one
/// DescribeInstances and one CreateTags per distinct value per launch event;
/// GetRole once per process). Keep one instance for the life of the process:
/// it caches the role id and one EC2 client per region. Not thread-safe: the
/// Lambda loop handles one event at a time.
public final class Tagger {
    public let configuration: TaggerConfiguration
    private let clock: any AWSClock
    private let makeIAM: () throws -> any IAMAPI
    private let makeEC2: (String) throws -> any EC2API
    private var ec2Clients: [String: any EC2API] = [:]
    private var roleId: String?

    /// At most this many resources per CreateTags call.
    public static let maxResourcesPerWrite = 1000

    /// Instances per DescribeInstances page in reconcile: a real page costs about
    /// 6.5 KB per instance, so 200 keeps each body near 1.3 MB, well inside the
    /// XML reader's limit and the function's memory budget.
    public static let reconcilePageSize = 200

    /// - Parameters:
    ///   - iam: makes the IAM client, on first need (never with `ROLE_ID`).
    ///   - ec2: makes the EC2 client of a region (already checked to be a region name), once per region.
    public init(configuration: TaggerConfiguration, clock: any AWSClock,
                iam: @escaping () throws -> any IAMAPI, ec2: @escaping (String) throws -> any EC2API) {
        self.configuration = configuration
        self.clock = clock
        self.makeIAM = iam
        self.makeEC2 = ec2
        roleId = configuration.roleId
    }

    /// Handles one event (EventBridge or bare CloudTrail record, see `TaggerEvent`).
    /// - Parameter dryRun: compute everything, send CreateTags with `DryRun=true`.
    /// - Throws: `InvalidEvent` for bad input, `Configuration` when a client
    ///   cannot be made, or the AWS error code of a failed call.
    public func handle(event: Data, deadline: Date, dryRun: Bool = false) throws(TaggerError) -> TaggingResult {
        switch try configuration.action(for: TaggerEvent.decode(event)) {
        case .ignore(let reason): TaggingResult(ignored: reason, dryRun: dryRun)
        case .reconcile: try reconcile(deadline: deadline, dryRun: dryRun)
        case .tag(let request): try tag(request, deadline: deadline, dryRun: dryRun)
        }
    }

    /// Sweeps `region` (by default `AWS_REGION`, the only region a scheduled
    /// event sweeps): every pending, running, stopping or stopped instance
    /// carrying the source tag gets the right value, in batches of at most
    /// 1,000 instances per CreateTags.
    public func reconcile(region: String? = nil, deadline: Date, dryRun: Bool = false) throws(TaggerError) -> TaggingResult {
        let region = region ?? configuration.region
        guard Region.isValid(region) else {
            throw .configuration(ConfigurationError(setting: "region", problem: "\(quoted(region)) is not an AWS region name"))
        }
        let roleId = try userRoleId(deadline: deadline)
        let ec2 = try client(for: region)
        var instances: [Instance] = []
        let filters = [Filter(name: "tag-key", values: [configuration.sourceTagKey]),
                       Filter(name: "instance-state-name", values: ["pending", "running", "stopping", "stopped"])]
        do {
            try ec2.describeInstances(filters: filters, pageSize: Self.reconcilePageSize, deadline: deadline) { page in instances += page }
        } catch {
            throw .aws(error)
        }
        let plan = TaggingDecision.plan(instanceIds: instances.map(\.instanceId), instances: instances, roleId: roleId,
                                        selfServiceCaller: nil, sourceTagKey: configuration.sourceTagKey,
                                        targetTagKey: configuration.targetTagKey)
        try write(plan, with: ec2, deadline: deadline, dryRun: dryRun)
        return TaggingResult(plan: plan, dryRun: dryRun)
    }

    private func tag(_ request: TagRequest, deadline: Date, dryRun: Bool) throws(TaggerError) -> TaggingResult {
        let roleId = try userRoleId(deadline: deadline)
        let ec2 = try client(for: request.region)
        let instances: [Instance]
        do {
            instances = try InstanceLookup(ec2: ec2, clock: clock).describe(request.instanceIds, deadline: deadline)
        } catch {
            throw .aws(error)
        }
        let caller = SelfServiceLaunch.caller(of: request.launcher, roleName: configuration.roleName, roleId: roleId)
        let plan = TaggingDecision.plan(instanceIds: request.instanceIds, instances: instances, roleId: roleId,
                                        selfServiceCaller: caller, sourceTagKey: configuration.sourceTagKey,
                                        targetTagKey: configuration.targetTagKey)
        try write(plan, with: ec2, deadline: deadline, dryRun: dryRun)
        return TaggingResult(plan: plan, dryRun: dryRun)
    }

    private func write(_ plan: TaggingPlan, with ec2: any EC2API, deadline: Date, dryRun: Bool) throws(TaggerError) {
        for write in plan.writes {
            let tags = [Tag(key: configuration.targetTagKey, value: write.value)]
            for start in stride(from: 0, to: write.instanceIds.count, by: Self.maxResourcesPerWrite) {
                let batch = Array(write.instanceIds[start..<min(start + Self.maxResourcesPerWrite, write.instanceIds.count)])
                do {
                    try ec2.createTags(resourceIds: batch, tags: tags, dryRun: dryRun, deadline: deadline)
                } catch {
                    throw .aws(error)
                }
            }
        }
    }

    /// `ROLE_ID`, or the role's id from GetRole, fetched once and kept. A value
    /// that is not `AROA…` is refused: it would end up in every tag.
    private func userRoleId(deadline: Date) throws(TaggerError) -> String {
        if let roleId { return roleId }
        guard let roleName = configuration.roleName else {
            throw .configuration(ConfigurationError(setting: "ROLE_NAME", problem: "not set (set ROLE_NAME, or ROLE_ID to skip GetRole)"))
        }
        let role: Role
        do {
            role = try makeIAM().getRole(name: roleName, deadline: deadline)
        } catch {
            throw Self.taggerError(error)
        }
        guard RoleID.isValid(role.roleId) else {
            throw .aws(AWSError(code: AWSError.invalidResponse,
                                message: "GetRole gave \(quoted(role.roleId)) as the id of \(roleName), not AROA followed by upper-case letters and digits",
                                operation: "iam:GetRole"))
        }
        roleId = role.roleId
        return role.roleId
    }

    private func client(for region: String) throws(TaggerError) -> any EC2API {
        if let client = ec2Clients[region] { return client }
        do {
            let client = try makeEC2(region)
            ec2Clients[region] = client
            return client
        } catch {
            throw Self.taggerError(error)
        }
    }

    /// Errors of the injected factories and clients, mapped to `errorType`s.
    private static func taggerError(_ error: any Error) -> TaggerError {
        switch error {
        case let error as TaggerError: error
        case let error as AWSError: .aws(error)
        case let error as ConfigurationError: .configuration(error)
        default: TaggerError(kind: .configuration, errorType: "Configuration", message: "cannot make an AWS client: \(error)")
        }
    }
}
