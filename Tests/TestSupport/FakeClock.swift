import AWSQuery
import Foundation
import HTTP
import Primitives
import SigV4

/// A clock that stands still until something sleeps; sleeping advances it
/// instantly and is recorded, so retry timing is asserted without waiting.
package final class FakeClock: WallClock {
    package var now: Date
    package private(set) var sleeps: [Double] = []

    package init(now: Date = Date(timeIntervalSince1970: 1_440_938_160)) { self.now = now }

    package func sleep(seconds: Double) {
        sleeps.append(seconds)
        now = now.addingTimeInterval(seconds)
    }

    package func advance(by seconds: Double) { now = now.addingTimeInterval(seconds) }
}
