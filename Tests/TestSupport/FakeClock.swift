import Foundation
import Primitives
import Synchronization

/// The one test clock: it stands still until something sleeps (sleeping
/// advances it at once and is recorded, so retry timing is asserted without
/// waiting) or, with a `step`, moves by that much at each reading (so a
/// duration measured between two readings is known in advance). Safe to read
/// from the threads the code under test starts.
package final class FakeClock: WallClock, @unchecked Sendable {
    private let state: Mutex<(current: Date, sleeps: [Double])>
    private let step: Double

    package init(now: Date = Date(timeIntervalSince1970: 1_440_938_160), step: Double = 0) {
        state = Mutex((now, []))
        self.step = step
    }

    package var sleeps: [Double] { state.withLock { $0.sleeps } }

    package var now: Date {
        get {
            state.withLock { state in
                defer { state.current = state.current.addingTimeInterval(step) }
                return state.current
            }
        }
        set { state.withLock { $0.current = newValue } }
    }

    package func sleep(seconds: Double) {
        state.withLock { state in
            state.sleeps.append(seconds)
            state.current = state.current.addingTimeInterval(seconds)
        }
    }

    package func advance(by seconds: Double) { state.withLock { $0.current = $0.current.addingTimeInterval(seconds) } }
}
