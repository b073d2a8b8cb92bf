import AWSQuery
import Foundation
@testable import Tagger
import XCTest

/// The embedded metric format records, read as CloudWatch Logs reads them.
final class InvocationMetricsTests: XCTestCase {
    private let metrics = InvocationMetrics(namespace: "Security/AwsUserIdTagger", functionName: "tagger-TaggerFunction-1")
    private let date = Date(timeIntervalSince1970: 1_795_600_000.123)

    private func parse(_ line: String) throws -> [String: Any] {
        XCTAssertFalse(line.contains("\n"))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    /// The specification's rules: `_aws` with a millisecond Timestamp and one
    /// directive naming the namespace, dimension sets and metrics, each metric
    /// and dimension a top-level member.
    private func assertValidEMF(_ record: [String: Any], metrics names: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let aws = try XCTUnwrap(record["_aws"] as? [String: Any], file: file, line: line)
        XCTAssertEqual(aws["Timestamp"] as? Int, 1_795_600_000_123, file: file, line: line)
        let directive = try XCTUnwrap((aws["CloudWatchMetrics"] as? [[String: Any]])?.first, file: file, line: line)
        XCTAssertEqual(directive["Namespace"] as? String, "Security/AwsUserIdTagger", file: file, line: line)
        XCTAssertEqual(directive["Dimensions"] as? [[String]], [["FunctionName"]], file: file, line: line)
        XCTAssertEqual(record["FunctionName"] as? String, "tagger-TaggerFunction-1", file: file, line: line)
        let declared = (directive["Metrics"] as? [[String: String]] ?? []).map { $0["Name"] ?? "" }
        XCTAssertEqual(declared, names, file: file, line: line)
        for name in names { XCTAssertNotNil(record[name] as? NSNumber, name, file: file, line: line) }
    }

    func testAnEventsCounts() throws {
        var result = TaggingResult(plan: TaggingPlan(), dryRun: false)
        result.tagged = [TaggedInstance(instanceId: "i-1", value: "AROAX:a"), TaggedInstance(instanceId: "i-2", value: "AROAX:b")]
        result.revoked = [RevokedInstance(instanceId: "i-3", value: "AROAX:c", reason: "no CreatedBy tag")]
        let record = try parse(metrics.record(of: .success(result), durationMs: 12.34, at: date))
        try assertValidEMF(record, metrics: ["Tagged", "Unchanged", "Skipped", "Revoked", "Ignored", "Failed"])
        XCTAssertEqual(record["Tagged"] as? Int, 2)
        XCTAssertEqual(record["Revoked"] as? Int, 1)
        XCTAssertEqual(record["Failed"] as? Int, 0)
    }

    func testASweepReportsItsCorrectionsAndDuration() throws {
        var result = TaggingResult(plan: TaggingPlan(), dryRun: false)
        result.sweeps = 3
        result.tagged = [TaggedInstance(instanceId: "i-1", value: "AROAX:a")]
        result.unchanged = [TaggedInstance(instanceId: "i-2", value: "AROAX:b")]
        let record = try parse(metrics.record(of: .success(result), durationMs: 812.46, at: date))
        try assertValidEMF(record, metrics: ["Tagged", "Unchanged", "Skipped", "Revoked", "Ignored", "Failed", "SweepCorrections", "SweepDuration"])
        XCTAssertEqual(record["SweepCorrections"] as? Int, 1)
        XCTAssertEqual(record["SweepDuration"] as? Double, 812.5)
        let units = ((record["_aws"] as! [String: Any])["CloudWatchMetrics"] as! [[String: Any]])[0]["Metrics"] as! [[String: String]]
        XCTAssertEqual(units.last?["Unit"], "Milliseconds")
    }

    func testAnIgnoredEventAndAFailure() throws {
        let ignored = try parse(metrics.record(of: .success(TaggingResult(ignored: "a failed call", dryRun: false)), durationMs: 1, at: date))
        XCTAssertEqual(ignored["Ignored"] as? Int, 1)
        let failure = TaggerError.aws(AWSError(code: .service("AccessDenied"), message: "no"))
        let failed = try parse(metrics.record(of: .failure(failure), durationMs: 1, at: date))
        try assertValidEMF(failed, metrics: ["Tagged", "Unchanged", "Skipped", "Revoked", "Ignored", "Failed"])
        XCTAssertEqual(failed["Failed"] as? Int, 1)
        XCTAssertEqual(failed["errorType"] as? String, "AccessDenied")
    }

    func testJSONLogPropertiesJoinButCannotReplaceMetrics() throws {
        let record = try parse(metrics.record(of: .success(TaggingResult(ignored: "x", dryRun: false)), durationMs: 1, at: date,
                                              properties: [("level", "INFO"), ("requestId", "req-1"), ("Failed", "spoofed")]))
        XCTAssertEqual(record["level"] as? String, "INFO")
        XCTAssertEqual(record["requestId"] as? String, "req-1")
        XCTAssertEqual(record["Failed"] as? Int, 0)
    }

    func testNamespaces() {
        for good in ["aws-userid-tagger", "Security/AwsUserIdTagger", "a#b:c_d.e"] { XCTAssertTrue(InvocationMetrics.isValidNamespace(good), good) }
        for bad in ["", "AWS/EC2", "with space", "quote\"", String(repeating: "n", count: 256)] {
            XCTAssertFalse(InvocationMetrics.isValidNamespace(bad), bad)
        }
    }
}
