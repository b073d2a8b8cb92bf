import AWSQuery
import EC2
import FoundationEssentials
import IAM
import EventBridge
import Organizations
import Primitives

/// Handles events and sweeps: decode, decide, then the fewest AWS calls (one
/// DescribeInstances and one CreateTags per distinct value per launch event;
/// GetRole at most every 15 minutes per account, and at each sweep). Keep one
/// instance for the life of the process: it caches, per account, the role id
/// and one EC2 client per region. Not thread-safe: the Lambda loop handles one event at a time.
package final class TaggingService {
    package let configuration: TaggerConfiguration
    private let clock: any WallClock
    private let makeClients: (String?) -> AccountClients
    private let publisher: SweepRequestPublisher?
    private let organizationAccounts: OrganizationAccounts?
    /// Keyed by account id; nil is the function's own account.
    private var sessions: [String?: AccountSession] = [:]
    /// Counts session lookups, so the least recently used can be told apart.
    private var sessionUses: UInt64 = 0
    /// Sessions kept at most. A warm container in central mode may serve the
    /// sweeps of a thousand accounts one after another; past this it forgets
    /// the account it used least recently (its RoleId and credentials are
    /// read again if that account comes back).
    package static let maximumSessions = 256

    /// How long a RoleId read with GetRole is used before it is read again.
    package static let roleIdLifetime: Double = 15 * 60

    /// The GetRole `prefetchRoleId` started, until an event picks up its answer and when it was asked.
    private var roleIdPrefetch: BackgroundResult<(role: Result<Role, AWSError>, at: Date)>?

    /// A tagger acting in the account it runs in.
    /// - Parameters:
    ///   - iam: makes the IAM client, on first need (never with `ROLE_ID`).
    ///   - ec2: makes the EC2 client of a region (already checked to be a region name), once per region.
    package convenience init(configuration: TaggerConfiguration, clock: any WallClock,
                            iam: @escaping () throws -> any IAMAPI, ec2: @escaping (String) throws -> any EC2API) {
        self.init(configuration: configuration, clock: clock, accounts: { _ in AccountClients(iam: iam, ec2: ec2) })
    }

    /// - Parameter accounts: the clients of an account, asked once per account:
    ///   nil for the function's own account, a member account id in central
    ///   mode (see `MemberAccounts`).
    ///   - eventBridge: central mode with `TAGGER_EVENT_BUS`: makes the client
    ///     that publishes sweep requests, with the function's own credentials.
    ///   - organizations: central mode with `TAGGER_EVENT_BUS` and no
    ///     `ALLOWED_ACCOUNTS`: makes the client that lists the organization's
    ///     accounts a scheduled sweep fans out to, with the function's own credentials.
    package init(configuration: TaggerConfiguration, clock: any WallClock, accounts: @escaping (String?) -> AccountClients,
                 eventBridge: (() throws -> any EventBridgeAPI)? = nil, organizations: (() throws -> any OrganizationsAPI)? = nil) {
        self.configuration = configuration
        self.clock = clock
        self.makeClients = accounts
        publisher = eventBridge.map { SweepRequestPublisher(eventBridge: $0, clock: clock) }
        organizationAccounts = organizations.map { OrganizationAccounts(organizations: $0) }
    }

    /// Starts reading the users' RoleId in the function's own account with
    /// `iam` on a thread of its own, for the first event that needs it: under
    /// Lambda the GetRole, and the process's first TLS handshake with it, then
    /// run while the runtime fetches the first event. Nothing is started when
    /// no event would call GetRole there (`ROLE_ID`, central mode, no
    /// `ROLE_NAME`). A failed read is forgotten: the event calls GetRole
    /// itself, with its own deadline, and reports what that answers.
    /// - Parameter iam: used by that thread alone, on a transport that lets
    ///   threads take turns (the event's clients may share it).
    package func prefetchRoleId(using iam: any IAMAPI, deadline: Date) {
        guard configuration.central == nil, configuration.roleId == nil, let roleName = configuration.roleName else { return }
        let clock = clock
        roleIdPrefetch = BackgroundResult {
            // Its age counts from the asking, the older end of the call.
            let asked = clock.now
            return (Result { () throws(AWSError) in try iam.getRole(name: roleName, deadline: deadline) }, asked)
        }
    }

    /// Handles one event (EventBridge or bare CloudTrail record, see `TaggerEvent`).
    /// - Parameters:
    ///   - dryRun: compute everything, send CreateTags and DeleteTags with `DryRun=true`.
    ///   - functionAccount: the account the function runs in, from the invoked
    ///     function's ARN; nil outside Lambda (sweep requests are then ignored).
    /// - Throws: `InvalidEvent` for bad input, `InvalidConfiguration` when a
    ///   client cannot be made, or the AWS error code of a failed call.
    package func handle(event: Data, deadline: Date, dryRun: Bool = false, functionAccount: String? = nil) throws(TaggerError) -> TaggingResult {
        switch try configuration.action(for: TaggerEvent.decode(event), functionAccount: functionAccount) {
        case .ignore(let reason): TaggingResult(ignored: reason, dryRun: dryRun)
        case .reconcile: try reconcile(deadline: deadline, dryRun: dryRun)
        case .fanOut: try fanOut(deadline: deadline, dryRun: dryRun)
        case .sweep(let account): try sweep(accounts: [account], regions: configuration.reconcileRegions, deadline: deadline, dryRun: dryRun)
        case .tag(let request): try tag(request, deadline: deadline, dryRun: dryRun)
        }
    }

    /// Sweeps each region of `RECONCILE_REGIONS` (by default `AWS_REGION`),
    /// or only `region` when given; in central mode in each account of
    /// `ALLOWED_ACCOUNTS` (required: only a fan-out lists the organization). Every pending, running, stopping or stopped instance
    /// carrying the source, target or launched-by tag gets the right value or
    /// loses one nothing backs, in batches of at most 1,000 instances per call.
    /// The users' RoleId is read again at the start of each account's sweep.
    /// - Throws: after sweeping all the others, the failures of the accounts
    ///   and regions that failed (`sweepsFailed`, with the first one's `errorType`).
    package func reconcile(region: String? = nil, deadline: Date, dryRun: Bool = false) throws(TaggerError) -> TaggingResult {
        let regions = region.map { [$0] } ?? configuration.reconcileRegions
        for region in regions where !Region.isValid(region) {
            throw .configuration(ConfigurationError(setting: "region", problem: "\(quoted(region)) is not an AWS region name"))
        }
        var accounts: [String?] = [nil]
        if configuration.central != nil {
            guard !configuration.allowedAccounts.isEmpty else {
                throw .configuration(ConfigurationError(
                    setting: "ALLOWED_ACCOUNTS",
                    problem: "not set: in central mode a sweep in one invocation covers the accounts it lists "
                        + "(set TAGGER_EVENT_BUS to fan out to every account of the organization instead)"))
            }
            accounts = configuration.allowedAccounts
        }
        return try sweep(accounts: accounts, regions: regions, deadline: deadline, dryRun: dryRun)
    }

    /// Sweeps each region of each account: the accounts one after another,
    /// the regions of an account at once (`SWEEP_CONCURRENCY`).
    private func sweep(accounts: [String?], regions: [String], deadline: Date, dryRun: Bool) throws(TaggerError) -> TaggingResult {
        var result = TaggingResult(plan: TaggingPlan(), dryRun: dryRun)
        var failures: [TaggerError] = []
        for account in accounts {
            let session = session(account)
            let roleId: String
            do {
                roleId = try userRoleId(in: session, refresh: true, deadline: deadline)
            } catch {
                failures.append(error)
                continue
            }
            for (region, outcome) in zip(regions, sweepRegions(of: session, roleId: roleId, regions: regions, deadline: deadline, dryRun: dryRun)) {
                switch outcome {
                case .success(let swept): result.append(swept)
                case .failure(let error): failures.append(regions.count > 1 ? error.within(region) : error)
                }
            }
        }
        guard let first = failures.first else { return result }
        if failures.count == 1 && accounts.count * regions.count == 1 { throw first }
        throw TaggerError(.sweepsFailed(failures, total: accounts.count * regions.count))
    }

    /// One region: on the account's shared client. Several: at once, each on a
    /// client and connection of its own, paced under EC2's rate limits; a
    /// throttled or failing region fails alone.
    private func sweepRegions(of session: AccountSession, roleId: String, regions: [String], deadline: Date,
                              dryRun: Bool) -> [Result<TaggingResult, TaggerError>] {
        let work = RegionWork(keys: configuration.tagKeys, roleId: roleId, clock: clock, failure: session.failure,
                              deadline: deadline, dryRun: dryRun)
        guard regions.count > 1, configuration.sweepConcurrency > 1, let makeClient = session.clients.parallelEC2 else {
            return regions.map { work.sweep($0, client: session.ec2) }
        }
        return Concurrently.map(regions.count, width: configuration.sweepConcurrency) { work.sweep(regions[$0], client: makeClient) }
    }

    /// Central mode's scheduled sweep: one sweep request per account of
    /// `ALLOWED_ACCOUNTS`, or, when it is empty, per active member account of
    /// the organization (`OrganizationAccounts`), listed again at every sweep.
    private func fanOut(deadline: Date, dryRun: Bool) throws(TaggerError) -> TaggingResult {
        guard let publisher, let bus = configuration.eventBus else {
            throw .configuration(ConfigurationError(setting: "TAGGER_EVENT_BUS", problem: "not set, so a scheduled sweep cannot fan out"))
        }
        var accounts = configuration.allowedAccounts
        if accounts.isEmpty {
            guard let organizationAccounts else {
                throw .configuration(ConfigurationError(setting: "ALLOWED_ACCOUNTS",
                                                        problem: "not set, and no AWS Organizations client to list the accounts to sweep"))
            }
            accounts = try organizationAccounts.sweepTargets(deadline: deadline)
        }
        var result = TaggingResult(plan: TaggingPlan(), dryRun: dryRun)
        // A dry run publishes nothing: the sweeps its requests would start are not dry runs.
        result.sweepRequests = dryRun ? accounts.count : try publisher.publish(accounts: accounts, bus: bus, deadline: deadline)
        return result
    }

    private func tag(_ request: TagRequest, deadline: Date, dryRun: Bool) throws(TaggerError) -> TaggingResult {
        let session = session(request.account)
        // While the GetRole sent at start is still out, describe first: on
        // AWS, IAM and EC2 are two hosts on two connections, so the two calls
        // overlap. A failed GetRole is still the error reported.
        let roleIdPending = session.account == nil && roleIdPrefetch != nil
        let roleIdRead = roleIdPending ? nil : try userRoleId(in: session, deadline: deadline)
        let ec2 = try session.ec2(region: request.region)
        let described = Result { () throws(AWSError) in
            try InstanceLookup(ec2: ec2, clock: clock).describe(request.instanceIds, deadline: deadline)
        }
        let roleId = if let roleIdRead { roleIdRead } else { try userRoleId(in: session, deadline: deadline) }
        let instances: [Instance]
        do {
            instances = try described.get()
        } catch {
            throw session.failure(error)
        }
        let context: DecisionContext
        switch request.origin {
        case .launch(let launcher):
            context = .launch(selfServiceCaller: SelfServiceLaunch.caller(of: launcher, roleName: configuration.roleName, roleId: roleId))
        case .tagChange:
            context = .existing
        }
        let plan = TaggingDecision.plan(instanceIds: request.instanceIds, instances: instances, roleId: roleId,
                                        context: context, keys: configuration.tagKeys)
        try PlanWriter(ec2: ec2, failure: session.failure).apply(plan, deadline: deadline, dryRun: dryRun)
        return TaggingResult(plan: plan, dryRun: dryRun)
    }

    /// `ROLE_ID`, or the role's id in the session's account from GetRole. A
    /// fetched id is kept at most `roleIdLifetime` and re-read at the start of
    /// every sweep (`refresh`): a users' role deleted and re-created has a new
    /// id, and a warm container must not keep writing the old one. A value
    /// that is not `AROA…` is refused: it would end up in every tag.
    private func userRoleId(in session: AccountSession, refresh: Bool = false, deadline: Date) throws(TaggerError) -> String {
        if let fixed = session.fixedRoleId { return fixed }
        if session.account == nil, let prefetch = roleIdPrefetch {
            // Kept until answered: its transport is not used by this thread before then.
            guard let read = prefetch.wait(seconds: deadline.timeIntervalSince(clock.now)) else {
                throw session.failure(AWSError(code: .deadlineExceeded, message: "the GetRole sent at start had not answered by the deadline",
                                               operation: "iam:GetRole"))
            }
            roleIdPrefetch = nil
            if case .success(let role) = read.role, RoleID.isValid(role.roleId) { session.roleId = (role.roleId, read.at) }
        }
        if !refresh, let cached = session.roleId, clock.now.timeIntervalSince(cached.fetchedAt) < Self.roleIdLifetime {
            return cached.id
        }
        guard let roleName = configuration.roleName else {
            throw .configuration(ConfigurationError(setting: "ROLE_NAME", problem: "not set (set ROLE_NAME, or ROLE_ID to skip GetRole)"))
        }
        let role: Role
        do {
            role = try session.clients.iam().getRole(name: roleName, deadline: deadline)
        } catch {
            throw session.failure(error)
        }
        guard RoleID.isValid(role.roleId) else {
            throw session.failure(AWSError(code: .invalidResponse,
                                           message: "GetRole gave \(quoted(role.roleId)) as the id of \(roleName), not AROA followed by upper-case letters and digits",
                                           operation: "iam:GetRole"))
        }
        session.roleId = (role.roleId, clock.now)
        return role.roleId
    }

    /// The session of `account` (nil: the function's own), made on first use.
    private func session(_ account: String?) -> AccountSession {
        sessionUses += 1
        if let session = sessions[account] {
            session.lastUse = sessionUses
            return session
        }
        if sessions.count >= Self.maximumSessions, let oldest = sessions.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            sessions[oldest.key] = nil
        }
        let session = AccountSession(account: account, clients: makeClients(account),
                                     fixedRoleId: account == nil ? configuration.roleId : nil)
        session.lastUse = sessionUses
        sessions[account] = session
        return session
    }
}
