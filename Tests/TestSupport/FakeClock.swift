import Foundation
import Primitives

/// The one test clock: it stands still until something sleeps (sleeping
/// advances it at once and is recorded, so retry timing is asserted without
/// waiting) or, with a `step`, moves by that much at each reading (so a
/// duration measured between two readings is known in advance).
package final class FakeClock: WallClock {
    private var current: Date
    private let step: Double
    package private(set) var sleeps: [Double] = []

    package init(now: Date = Date(timeIntervalSince1970: 1_440_938_160), step: Double = 0) {
        current = now
        self.step = step
    }

    package var now: Date {
        get {
            defer { current = current.addingTimeInterval(step) }
            return current
        }
        set { current = newValue }
    }

    package func sleep(seconds: Double) {
        sleeps.append(seconds)
        current = current.addingTimeInterval(seconds)
    }

    package func advance(by seconds: Double) { current = current.addingTimeInterval(seconds) }
}
