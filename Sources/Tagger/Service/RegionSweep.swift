import AWSQuery
import EC2
import FoundationEssentials
import Primitives

/// The sweep of one region of one account: every pending, running, stopping
/// or stopped instance carrying the source, target or launched-by tag gets
/// the right value or loses one nothing backs. It holds no shared state, so
/// the regions of an account can be swept at once, each on its own client.
struct RegionSweep {
    /// Instances per DescribeInstances page: the API's maximum. Pages are read
    /// as streams keeping the id, state and the three tags of each instance,
    /// so a 10,000-instance sweep is 10 pages and a few MiB.
    static let pageSize = 1000

    let keys: TagKeys
    let roleId: String
    let ec2: any EC2API
    let failure: (any Error) -> TaggerError

    func run(deadline: Date, dryRun: Bool) throws(TaggerError) -> TaggingResult {
        var instances: [Instance] = []
        // The values of one filter are ORed: every instance carrying any of
        // the three keys, so a target tag nothing backs is found and revoked.
        let filters = [Filter(name: "tag-key", values: [keys.source, keys.target, keys.launchedBy]),
                       Filter(name: "instance-state-name", values: ["pending", "running", "stopping", "stopped"])]
        do {
            try ec2.describeInstances(filters: filters, pageSize: Self.pageSize,
                                      keepingTags: [keys.source, keys.target, keys.launchedBy], deadline: deadline) { page in
                instances += page
            }
        } catch {
            throw failure(error)
        }
        let plan = TaggingDecision.plan(instanceIds: instances.map(\.instanceId), instances: instances, roleId: roleId,
                                        context: .existing, keys: keys)
        try PlanWriter(ec2: ec2, failure: failure).apply(plan, deadline: deadline, dryRun: dryRun)
        var result = TaggingResult(plan: plan, dryRun: dryRun)
        result.sweeps = 1
        return result
    }
}

/// What every region of one account's sweep shares, read only.
struct RegionWork {
    let keys: TagKeys
    let roleId: String
    let clock: any WallClock
    let failure: (any Error) -> TaggerError
    let deadline: Date
    let dryRun: Bool

    /// Sweeps `region` with the client `client` makes for it, paced.
    func sweep(_ region: String, client: (String) throws -> any EC2API) -> Result<TaggingResult, TaggerError> {
        let ec2: any EC2API
        do {
            ec2 = try client(region)
        } catch let error as TaggerError {
            return .failure(error)  // already the account's error
        } catch {
            return .failure(failure(error))
        }
        do {
            return .success(try RegionSweep(keys: keys, roleId: roleId, ec2: PacedEC2(ec2, clock: clock), failure: failure)
                .run(deadline: deadline, dryRun: dryRun))
        } catch {
            return .failure(error)
        }
    }
}
