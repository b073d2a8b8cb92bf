import AWSQuery
import EC2
import Foundation
@testable import Tagger
import TestSupport
import XCTest

/// A sweep's calls stay under EC2's per-region refill rates.
final class PacedEC2Tests: XCTestCase {
    func testReadsBeyondTheBurstWaitForTheRefill() throws {
        let clock = FakeClock()
        let paced = PacedEC2(FakeEC2([TestData.instance("i-0000000a", createdBy: "a")]), clock: clock)
        for _ in 0..<25 { _ = try paced.describeInstances(ids: ["i-0000000a"], deadline: clock.now + 60) }
        // 20 at once, then one every 1/20 s.
        XCTAssertEqual(clock.sleeps.count, 5)
        XCTAssertEqual(clock.sleeps.reduce(0, +), 5.0 / PacedEC2.readRate, accuracy: 1e-9)
    }

    func testWritesHaveTheirOwnSlowerBucket() throws {
        let clock = FakeClock()
        let paced = PacedEC2(FakeEC2([TestData.instance("i-0000000a", createdBy: "a")]), clock: clock)
        for _ in 0..<12 {
            try paced.createTags(resourceIds: ["i-0000000a"], tags: [Tag(key: "AwsUserId", value: "AROAX:a")], dryRun: false, deadline: clock.now + 60)
        }
        XCTAssertEqual(clock.sleeps.count, 2)
        XCTAssertEqual(clock.sleeps.reduce(0, +), 2.0 / PacedEC2.writeRate, accuracy: 1e-9)
        _ = try paced.describeInstances(ids: ["i-0000000a"], deadline: clock.now + 60)
        XCTAssertEqual(clock.sleeps.count, 2, "reads are not held up by writes")
    }

    func testEveryPageIsPaced() throws {
        let clock = FakeClock()
        let fake = FakeEC2((0..<50).map { TestData.instance(String(format: "i-%08x", $0), createdBy: "a") })
        fake.pageSize = 1
        var pages = 0
        try PacedEC2(fake, clock: clock).describeInstances(filters: [], pageSize: 5, keepingTags: nil, deadline: clock.now + 60) { _ in pages += 1 }
        XCTAssertEqual(pages, 50)
        XCTAssertGreaterThanOrEqual(clock.sleeps.count, 30)
    }
}
