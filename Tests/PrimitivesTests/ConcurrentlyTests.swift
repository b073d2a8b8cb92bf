import Foundation
import Primitives
import Synchronization
import XCTest

final class ConcurrentlyTests: XCTestCase {
    func testResultsComeInIndexOrder() {
        XCTAssertEqual(Concurrently.map(100, width: 8) { $0 * $0 }, (0..<100).map { $0 * $0 })
        XCTAssertEqual(Concurrently.map(0, width: 8) { $0 }, [])
    }

    func testAtMostWidthRunAtOnceAndMoreThanOneDo() {
        let running = Mutex(0), peak = Mutex(0)
        _ = Concurrently.map(24, width: 4) { _ in
            let now = running.withLock { value -> Int in value += 1; return value }
            peak.withLock { $0 = max($0, now) }
            usleep(20_000)  // work that waits, as a network call does
            running.withLock { $0 -= 1 }
            return 0
        }
        XCTAssertLessThanOrEqual(peak.withLock { $0 }, 4)
        XCTAssertGreaterThan(peak.withLock { $0 }, 1)
    }

    func testAWidthOfOneStaysOnTheCallingThread() {
        let caller = pthread_self()
        let threads = Concurrently.map(5, width: 1) { _ in pthread_equal(pthread_self(), caller) != 0 }
        XCTAssertEqual(threads, Array(repeating: true, count: 5))
    }
}
