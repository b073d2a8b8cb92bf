import Foundation
@testable import Tagger
import XCTest

final class TaggingResultTests: XCTestCase {
    func testShapeAndOrder() {
        var plan = TaggingPlan()
        plan.tagged = [TaggedInstance(instanceId: "i-0000000a", value: "AROAX:alice")]
        plan.unchanged = [TaggedInstance(instanceId: "i-0000000b", value: "AROAX:bob")]
        plan.skipped = [SkippedInstance(instanceId: "i-0000000c", reason: "no CreatedBy tag")]
        plan.overridden = [SkippedInstance(instanceId: "i-0000000a", reason: "CreatedBy 'x' ignored")]
        XCTAssertEqual(TaggingResult(plan: plan, dryRun: true).json, """
            {"tagged":[{"instanceId":"i-0000000a","value":"AROAX:alice"}],"unchanged":[{"instanceId":"i-0000000b","value":"AROAX:bob"}],\
            "skipped":[{"instanceId":"i-0000000c","reason":"no CreatedBy tag"}],\
            "overridden":[{"instanceId":"i-0000000a","reason":"CreatedBy 'x' ignored"}],"dryRun":true}
            """)
    }

    func testIgnored() {
        XCTAssertEqual(TaggingResult(ignored: "event 'X' is not RunInstances or CreateTags", dryRun: false).json,
                       #"{"tagged":[],"unchanged":[],"skipped":[],"ignored":"event 'X' is not RunInstances or CreateTags"}"#)
    }

    func testEscapingRoundTripsThroughAJSONParser() throws {
        let hostile = "quote\" back\\slash \n\r\t \u{1} \u{1F} jürgen 例 \u{2028} </script>"
        let result = TaggingResult(ignored: hostile, dryRun: false)
        let parsed = try JSONSerialization.jsonObject(with: Data(result.json.utf8)) as? [String: Any]
        XCTAssertEqual(parsed?["ignored"] as? String, hostile)
        XCTAssertFalse(result.json.contains("\n"))
    }
}
