@testable import Tagger
import XCTest

/// The one log line says who was granted or denied access, not only how many.
final class TaggingResultSummaryTests: XCTestCase {
    func testTheLineNamesWhatEachInstanceGotOrLost() {
        var plan = TaggingPlan()
        plan.tagged = [TaggedInstance(instanceId: "i-1", value: "AROAX:alice")]
        plan.skipped = [SkippedInstance(instanceId: "i-2", reason: "no CreatedBy tag")]
        plan.revoked = [RevokedInstance(instanceId: "i-3", value: "AROAX:bob", reason: "CreatedBy was deleted")]
        XCTAssertEqual(TaggingResult(plan: plan, dryRun: false).summary,
                       "tagged 1, unchanged 0, skipped 1, revoked 1; i-1 tagged AROAX:alice; i-2: no CreatedBy tag; "
                       + "i-3 revoked AROAX:bob: CreatedBy was deleted")
        XCTAssertEqual(TaggingResult(plan: plan, dryRun: true).summary,
                       "dry run: would tag 1, unchanged 0, skipped 1, would revoke 1; i-1 would be tagged AROAX:alice; "
                       + "i-2: no CreatedBy tag; i-3 would lose AROAX:bob: CreatedBy was deleted")
    }

    func testLongListsAreCutWithACount() {
        var plan = TaggingPlan()
        plan.tagged = (0..<25).map { TaggedInstance(instanceId: "i-\($0)", value: "AROAX:u\($0)") }
        let summary = TaggingResult(plan: plan, dryRun: false).summary
        XCTAssertTrue(summary.hasPrefix("tagged 25, unchanged 0, skipped 0; i-0 tagged AROAX:u0;"), summary)
        XCTAssertTrue(summary.contains("i-19 tagged AROAX:u19; … 5 more"), summary)
        XCTAssertFalse(summary.contains("i-20 "), summary)
    }
}
