import AWSQuery
import EC2
import FoundationEssentials
import Primitives

/// An EC2 client that keeps a sweep's calls under EC2's request-rate limits.
/// EC2 throttles each API per account and region with a token bucket
/// ("Request throttling for the Amazon EC2 API": a non-mutating API's bucket
/// holds 100 tokens and refills 20 a second). A sweep of one region spends
/// Describe tokens no faster than that refill, and writes, whose buckets
/// the page does not give, at a conservative 5 a second; however many regions
/// run at once, each has its own buckets, so none is drained, and throttling
/// that still comes (other callers share the buckets) is retried with backoff.
final class PacedEC2: EC2API {
    private let ec2: any EC2API
    private var reads: TokenBucket
    private var writes: TokenBucket

    /// Describe calls per second, and the burst allowed.
    static let readRate = 20.0, readBurst = 20.0
    /// CreateTags and DeleteTags calls per second, and the burst allowed.
    static let writeRate = 5.0, writeBurst = 10.0

    init(_ ec2: any EC2API, clock: any WallClock) {
        self.ec2 = ec2
        reads = TokenBucket(rate: Self.readRate, capacity: Self.readBurst, clock: clock)
        writes = TokenBucket(rate: Self.writeRate, capacity: Self.writeBurst, clock: clock)
    }

    func describeInstances(ids: [String], deadline: Date) throws(AWSError) -> [Instance] {
        reads.take()
        return try ec2.describeInstances(ids: ids, deadline: deadline)
    }

    func describeInstances(filters: [Filter], pageSize: Int, keepingTags tagKeys: Set<String>?, deadline: Date,
                           page: ([Instance]) throws(AWSError) -> Void) throws(AWSError) {
        // Each page is one call: pace it as the pages come.
        reads.take()
        try ec2.describeInstances(filters: filters, pageSize: pageSize, keepingTags: tagKeys, deadline: deadline) { instances throws(AWSError) in
            try page(instances)
            reads.take()
        }
    }

    func createTags(resourceIds: [String], tags: [Tag], dryRun: Bool, deadline: Date) throws(AWSError) {
        writes.take()
        try ec2.createTags(resourceIds: resourceIds, tags: tags, dryRun: dryRun, deadline: deadline)
    }

    func deleteTags(resourceIds: [String], tags: [Tag], dryRun: Bool, deadline: Date) throws(AWSError) {
        writes.take()
        try ec2.deleteTags(resourceIds: resourceIds, tags: tags, dryRun: dryRun, deadline: deadline)
    }
}

/// Takes one token per call, waiting on `clock` for the bucket to refill.
struct TokenBucket {
    let rate: Double
    let capacity: Double
    let clock: any WallClock
    private var tokens: Double
    private var updated: Date

    init(rate: Double, capacity: Double, clock: any WallClock) {
        self.rate = rate
        self.capacity = capacity
        self.clock = clock
        tokens = capacity
        updated = clock.now
    }

    mutating func take() {
        let now = clock.now
        tokens = min(capacity, tokens + now.timeIntervalSince(updated) * rate)
        updated = now
        if tokens < 1 {
            let wait = (1 - tokens) / rate
            clock.sleep(seconds: wait)
            tokens = 1
            updated = clock.now
        }
        tokens -= 1
    }
}
