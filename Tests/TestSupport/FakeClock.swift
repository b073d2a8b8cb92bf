import AWSQuery
import Foundation
import HTTP
import Primitives
import SigV4

/// A clock that stands still until something sleeps; sleeping advances it
/// instantly and is recorded, so retry timing is asserted without waiting.
public final class FakeClock: WallClock {
    public var now: Date
    public private(set) var sleeps: [Double] = []

    public init(now: Date = Date(timeIntervalSince1970: 1_440_938_160)) { self.now = now }

    public func sleep(seconds: Double) {
        sleeps.append(seconds)
        now = now.addingTimeInterval(seconds)
    }

    public func advance(by seconds: Double) { now = now.addingTimeInterval(seconds) }
}
