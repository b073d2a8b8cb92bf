import AWSQuery
import EC2
import FoundationEssentials

/// Carries out a plan: revocations first, then writes, each in batches of at
/// most 1,000 instances (the most one CreateTags or DeleteTags takes).
struct PlanWriter {
    static let maxResourcesPerWrite = 1000

    let ec2: any EC2API
    /// Turns a failed call into the invocation's error (account scope, role names).
    let failure: (any Error) -> TaggerError

    func apply(_ plan: TaggingPlan, deadline: Date, dryRun: Bool) throws(TaggerError) {
        for removal in plan.removals {
            for batch in removal.instanceIds.chunks(of: Self.maxResourcesPerWrite) {
                do {
                    try ec2.deleteTags(resourceIds: batch, tags: removal.tags, dryRun: dryRun, deadline: deadline)
                } catch {
                    throw failure(error)
                }
            }
        }
        for write in plan.writes {
            for batch in write.instanceIds.chunks(of: Self.maxResourcesPerWrite) {
                do {
                    try ec2.createTags(resourceIds: batch, tags: write.tags, dryRun: dryRun, deadline: deadline)
                } catch {
                    throw failure(error)
                }
            }
        }
    }
}

extension Array {
    /// Consecutive runs of at most `size` elements.
    func chunks(of size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
