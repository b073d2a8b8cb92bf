import AWSQuery
import EC2
import FoundationEssentials
import Primitives

/// An EC2 client that keeps a sweep's calls under EC2's request-rate limits.
/// EC2 throttles each API per account and region with a token bucket of its
/// own ("Request throttling for the Amazon EC2 API", request token bucket
/// sizes: a filtered, paginated DescribeInstances holds 100 tokens and refills
/// 20 a second; CreateTags and DeleteTags each hold 100 and refill 10). A
/// sweep spends tokens no faster than those refill rates, and bursts at most
/// half a bucket, leaving the other half to whatever else calls EC2 in the
/// account. However many regions run at once, each has its own buckets, so
/// none is drained, and throttling that still comes is retried with backoff.
final class PacedEC2: EC2API {
    private let ec2: any EC2API
    private var describes: TokenBucket
    private var creates: TokenBucket
    private var deletes: TokenBucket

    /// DescribeInstances calls per second, and the burst allowed.
    static let describeRate = 20.0, describeBurst = 50.0
    /// CreateTags calls per second, and the same for DeleteTags.
    static let tagRate = 10.0, tagBurst = 50.0

    init(_ ec2: any EC2API, clock: any WallClock) {
        self.ec2 = ec2
        describes = TokenBucket(rate: Self.describeRate, capacity: Self.describeBurst, clock: clock)
        creates = TokenBucket(rate: Self.tagRate, capacity: Self.tagBurst, clock: clock)
        deletes = TokenBucket(rate: Self.tagRate, capacity: Self.tagBurst, clock: clock)
    }

    func describeInstances(ids: [String], deadline: Date) throws(AWSError) -> [Instance] {
        describes.take()
        return try ec2.describeInstances(ids: ids, deadline: deadline)
    }

    func describeInstances(filters: [Filter], pageSize: Int, keepingTags tagKeys: Set<String>?, deadline: Date,
                           page: ([Instance]) throws(AWSError) -> Void) throws(AWSError) {
        // Each page is one call: pace it as the pages come.
        describes.take()
        try ec2.describeInstances(filters: filters, pageSize: pageSize, keepingTags: tagKeys, deadline: deadline) { instances throws(AWSError) in
            try page(instances)
            describes.take()
        }
    }

    func createTags(resourceIds: [String], tags: [Tag], dryRun: Bool, deadline: Date) throws(AWSError) {
        creates.take()
        try ec2.createTags(resourceIds: resourceIds, tags: tags, dryRun: dryRun, deadline: deadline)
    }

    func deleteTags(resourceIds: [String], tags: [Tag], dryRun: Bool, deadline: Date) throws(AWSError) {
        deletes.take()
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
