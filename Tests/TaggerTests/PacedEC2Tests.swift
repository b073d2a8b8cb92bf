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
        for _ in 0..<55 { _ = try paced.describeInstances(ids: ["i-0000000a"], deadline: clock.now + 60) }
        // Half of EC2's 100-token bucket at once, then one every 1/20 s.
        XCTAssertEqual(PacedEC2.describeBurst, 50)
        XCTAssertEqual(clock.sleeps.count, 5)
        XCTAssertEqual(clock.sleeps.reduce(0, +), 5.0 / PacedEC2.describeRate, accuracy: 1e-9)
        XCTAssertEqual(PacedEC2.describeRate, 20, "EC2's refill rate for DescribeInstances")
    }

    func testCreateTagsAndDeleteTagsHaveBucketsOfTheirOwn() throws {
        let clock = FakeClock()
        let paced = PacedEC2(FakeEC2([TestData.instance("i-0000000a", createdBy: "a")]), clock: clock)
        let tag = [Tag(key: "AwsUserId", value: "AROAX:a")]
        for _ in 0..<52 {
            try paced.createTags(resourceIds: ["i-0000000a"], tags: tag, dryRun: false, deadline: clock.now + 60)
        }
        XCTAssertEqual(clock.sleeps.count, 2)
        XCTAssertEqual(clock.sleeps.reduce(0, +), 2.0 / PacedEC2.tagRate, accuracy: 1e-9)
        XCTAssertEqual(PacedEC2.tagRate, 10, "EC2's refill rate for CreateTags and for DeleteTags")
        try paced.deleteTags(resourceIds: ["i-0000000a"], tags: tag, dryRun: false, deadline: clock.now + 60)
        _ = try paced.describeInstances(ids: ["i-0000000a"], deadline: clock.now + 60)
        XCTAssertEqual(clock.sleeps.count, 2, "neither DeleteTags nor DescribeInstances waits for CreateTags' bucket")
    }

    func testEveryPageIsPaced() throws {
        let clock = FakeClock()
        let fake = FakeEC2((0..<100).map { TestData.instance(String(format: "i-%08x", $0), createdBy: "a") })
        fake.pageSize = 1
        var pages = 0
        try PacedEC2(fake, clock: clock).describeInstances(filters: [], pageSize: 5, keepingTags: nil, deadline: clock.now + 60) { _ in pages += 1 }
        XCTAssertEqual(pages, 100)
        // A token before the first page and one as each page arrives: 101, the first 50 from the burst.
        XCTAssertEqual(clock.sleeps.count, 51)
    }
}
