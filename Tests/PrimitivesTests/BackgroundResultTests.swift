import Foundation
import Primitives
import XCTest

final class BackgroundResultTests: XCTestCase {
    func testTheResultOfWorkDoneOnAnotherThread() throws {
        let caller = pthread_self()
        let result = try XCTUnwrap(BackgroundResult { pthread_equal(pthread_self(), caller) == 0 ? "elsewhere" : "here" })
        XCTAssertEqual(result.wait(seconds: 10), "elsewhere")
        XCTAssertEqual(result.wait(seconds: 0), "elsewhere", "picked up again, not lost")
    }

    func testAWaitEndsAtItsLimitAndALaterOneStillGetsTheResult() throws {
        let gate = DispatchSemaphore(value: 0)
        let result = try XCTUnwrap(BackgroundResult { () -> Int in
            gate.wait()
            return 42
        })
        XCTAssertNil(result.wait(seconds: 0.05), "returns at its limit while the work goes on")
        XCTAssertNil(result.wait(seconds: -1), "a limit already past does not wait")
        gate.signal()
        XCTAssertEqual(result.wait(seconds: 10), 42)
    }
}
