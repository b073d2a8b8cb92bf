import AWSQuery
import EC2
import FoundationEssentials
import Primitives

/// Describes the instances of a launch event in one call, riding out EC2's
/// eventual consistency: a just-launched instance can be unknown for a moment.
struct InstanceLookup {
    static let notFound = "InvalidInstanceID.NotFound"
    /// Waits before each retry of a batch answered NotFound: 3 s at most in all,
    /// and never past the deadline.
    static let retryDelays: [Double] = [0.2, 0.4, 0.8, 1.6]

    let ec2: any EC2API
    let clock: any WallClock

    /// The instances EC2 knows among `ids`; ids still unknown after the
    /// retries are left out (the decision reports them as not found).
    ///
    /// EC2 fails the whole batch when one id is unknown, naming the unknown ids
    /// in its message ("The instance IDs 'i-1, i-2' do not exist"): once the
    /// retries are spent, those are dropped and the rest asked again; if the
    /// message names none of ours, the ids are asked one at a time.
    func describe(_ ids: [String], deadline: Date) throws(AWSError) -> [Instance] {
        var retries = Self.retryDelays[...]
        var remaining = ids
        while !remaining.isEmpty {
            do {
                return try ec2.describeInstances(ids: remaining, deadline: deadline)
            } catch where error.isService(Self.notFound) {
                if let delay = retries.popFirst() {
                    if clock.now.addingTimeInterval(delay) < deadline {
                        clock.sleep(seconds: delay)
                        continue
                    }
                    retries = []
                }
                let named = Self.instanceIds(in: error.message).intersection(remaining)
                guard !named.isEmpty else { return try describeOneByOne(remaining, deadline: deadline) }
                remaining.removeAll(where: named.contains)
            }
        }
        return []
    }

    private func describeOneByOne(_ ids: [String], deadline: Date) throws(AWSError) -> [Instance] {
        var found: [Instance] = []
        for id in ids {
            do {
                found += try ec2.describeInstances(ids: [id], deadline: deadline)
            } catch where error.isService(Self.notFound) {
                continue
            }
        }
        return found
    }

    static func instanceIds(in message: String) -> Set<String> {
        let words = message.split { !($0.isLetter || $0.isNumber || $0 == "-") }
        return Set(words.map(String.init).filter(InstanceID.isValid))
    }
}
