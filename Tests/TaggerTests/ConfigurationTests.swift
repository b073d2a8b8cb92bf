import AWSQuery
import Primitives
@testable import Tagger
import XCTest

final class ConfigurationTests: XCTestCase {
    private let minimal = ["ROLE_NAME": "Okta-ServiceWorkbenchUser", "AWS_REGION": "eu-central-1"]

    private func assertRejected(_ changes: [String: String?], setting: String, mentions text: String,
                                file: StaticString = #filePath, line: UInt = #line) {
        var environment = minimal
        for (name, value) in changes { environment[name] = value }
        XCTAssertThrowsError(try TaggerConfiguration(environment: environment), file: file, line: line) { error in
            guard let error = error as? ConfigurationError else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(error.setting, setting, file: file, line: line)
            XCTAssertTrue(error.problem.contains(text), "\(error.problem) lacks \(text)", file: file, line: line)
            XCTAssertFalse(error.description.contains("\n"), file: file, line: line)
        }
    }

    func testDefaults() throws {
        let configuration = try TaggerConfiguration(environment: minimal)
        XCTAssertEqual(configuration, TaggerConfiguration(roleName: "Okta-ServiceWorkbenchUser", roleId: nil,
                                                          tagKeys: TagKeys(source: "CreatedBy", target: "AwsUserId", launchedBy: "AwsUserIdLaunchedBy"),
                                                          trustedLaunchers: [], region: "eu-central-1"))
    }

    func testTheProfileRegionIsAskedOnlyWhenTheEnvironmentHasNone() throws {
        var asked = 0
        let fromProfile = { () throws(ConfigurationError) -> (region: String, origin: String)? in
            asked += 1
            return ("ap-southeast-2", "region of profile 'dev' (/home/me/.aws/config)")
        }
        XCTAssertEqual(try TaggerConfiguration(environment: minimal, profileRegion: fromProfile).region, "eu-central-1")
        XCTAssertEqual(try TaggerConfiguration(environment: ["ROLE_NAME": "R", "AWS_DEFAULT_REGION": "us-west-2"], profileRegion: fromProfile).region,
                       "us-west-2")
        XCTAssertEqual(asked, 0, "Lambda sets AWS_REGION: the shared files are never read")
        XCTAssertEqual(try TaggerConfiguration(environment: ["ROLE_NAME": "R"], profileRegion: fromProfile).region, "ap-southeast-2")
        XCTAssertEqual(asked, 1)
        XCTAssertThrowsError(try TaggerConfiguration(environment: ["ROLE_NAME": "R"], profileRegion: { ("us-east-1.evil.com", "region of profile 'x' (f)") })) { error in
            XCTAssertTrue("\(error)".hasPrefix("AWS_REGION: not set, and the region of profile 'x' (f): 'us-east-1.evil.com' is not an AWS region name"), "\(error)")
        }
        XCTAssertThrowsError(try TaggerConfiguration(environment: ["ROLE_NAME": "R"], profileRegion: { nil })) { error in
            XCTAssertEqual("\(error)", "AWS_REGION: not set, nor AWS_DEFAULT_REGION, nor a region in the shared config profile")
        }
    }

    func testEverySetting() throws {
        let configuration = try TaggerConfiguration(environment: [
            "ROLE_ID": "AROAEXAMPLEID1234567", "SOURCE_TAG_KEY": "Owner", "TARGET_TAG_KEY": "SsmUser", "LAUNCHED_BY_TAG_KEY": "SsmLauncher",
            "TRUSTED_LAUNCHERS": "arn:aws:iam::111122223333:role/swb-*,\t arn:aws:sts::111122223333:assumed-role/Ops/* ",
            "AWS_DEFAULT_REGION": "cn-north-1",
        ])
        XCTAssertNil(configuration.roleName)
        XCTAssertEqual(configuration.roleId, "AROAEXAMPLEID1234567")
        XCTAssertEqual(configuration.tagKeys, TagKeys(source: "Owner", target: "SsmUser", launchedBy: "SsmLauncher"))
        XCTAssertEqual(configuration.trustedLaunchers.map(\.pattern),
                       ["arn:aws:iam::111122223333:role/swb-*", "arn:aws:sts::111122223333:assumed-role/Ops/*"])
        XCTAssertEqual(configuration.region, "cn-north-1")
    }

    func testMetricsSettings() throws {
        let configuration = try TaggerConfiguration(environment: minimal.merging(["METRICS_NAMESPACE": "Security/Tagger",
                                                                                  "AWS_LAMBDA_FUNCTION_NAME": "tagger-fn"]) { $1 })
        XCTAssertEqual(configuration.metrics, InvocationMetrics(namespace: "Security/Tagger", functionName: "tagger-fn"))
        XCTAssertEqual(try TaggerConfiguration(environment: minimal).metrics.namespace, "aws-userid-tagger")
        assertRejected(["METRICS_NAMESPACE": "AWS/Lambda"], setting: "METRICS_NAMESPACE", mentions: "is not a CloudWatch namespace")
    }

    func testRoleIsRequired() {
        assertRejected(["ROLE_NAME": nil], setting: "ROLE_NAME", mentions: "not set")
        assertRejected(["ROLE_NAME": ""], setting: "ROLE_NAME", mentions: "not set")
    }

    func testRoleNameMustBeAnIAMName() {
        assertRejected(["ROLE_NAME": "role/with/path"], setting: "ROLE_NAME", mentions: "'role/with/path' is not an IAM role name")
        assertRejected(["ROLE_NAME": String(repeating: "r", count: 65)], setting: "ROLE_NAME", mentions: "is not an IAM role name")
        assertRejected(["ROLE_NAME": "rôle"], setting: "ROLE_NAME", mentions: "is not an IAM role name")
    }

    func testRoleIdMustBeARoleId() {
        for bad in ["AIDAEXAMPLEID1234567", "AROAexampleid1234567", "AROA123", "AROAEXAMPLEID12345:x", String(repeating: "A", count: 129)] {
            assertRejected(["ROLE_ID": bad], setting: "ROLE_ID", mentions: "is not a role id")
        }
    }

    func testTagKeys() {
        assertRejected(["TARGET_TAG_KEY": "CreatedBy"], setting: "TARGET_TAG_KEY", mentions: "must differ from SOURCE_TAG_KEY")
        assertRejected(["SOURCE_TAG_KEY": "AwsUserId"], setting: "TARGET_TAG_KEY", mentions: "must differ from SOURCE_TAG_KEY")
        assertRejected(["TARGET_TAG_KEY": "aws:userid"], setting: "TARGET_TAG_KEY", mentions: "reserved aws: prefix")
        assertRejected(["TARGET_TAG_KEY": "AWS:userid"], setting: "TARGET_TAG_KEY", mentions: "reserved aws: prefix")
        assertRejected(["LAUNCHED_BY_TAG_KEY": "aws:x"], setting: "LAUNCHED_BY_TAG_KEY", mentions: "reserved aws: prefix")
        // The guard compares keys ignoring case: one key cannot play two parts.
        assertRejected(["TARGET_TAG_KEY": "createdby"], setting: "TARGET_TAG_KEY", mentions: "must differ from SOURCE_TAG_KEY")
        assertRejected(["LAUNCHED_BY_TAG_KEY": "AwsUserId"], setting: "LAUNCHED_BY_TAG_KEY", mentions: "must differ from TARGET_TAG_KEY")
        assertRejected(["LAUNCHED_BY_TAG_KEY": "CREATEDBY"], setting: "LAUNCHED_BY_TAG_KEY", mentions: "must differ from SOURCE_TAG_KEY")
        assertRejected(["LAUNCHED_BY_TAG_KEY": "bad\u{7}key"], setting: "LAUNCHED_BY_TAG_KEY", mentions: "is not a tag key")
        assertRejected(["TARGET_TAG_KEY": String(repeating: "k", count: 129)], setting: "TARGET_TAG_KEY", mentions: "not a tag key")
        assertRejected(["SOURCE_TAG_KEY": "Created\nBy"], setting: "SOURCE_TAG_KEY", mentions: "'Created?By' is not a tag key")
    }

    func testTrustedLaunchers() {
        assertRejected(["TRUSTED_LAUNCHERS": "arn:aws:iam::1:role/a,,arn:aws:iam::1:role/b"], setting: "TRUSTED_LAUNCHERS", mentions: "empty entry")
        assertRejected(["TRUSTED_LAUNCHERS": "arn:aws:iam::1:role/a,"], setting: "TRUSTED_LAUNCHERS", mentions: "empty entry")
        assertRejected(["TRUSTED_LAUNCHERS": "swb-LaunchConstraint"], setting: "TRUSTED_LAUNCHERS", mentions: "is not an ARN pattern")
    }

    func testRegion() {
        assertRejected(["AWS_REGION": nil], setting: "AWS_REGION", mentions: "not set")
        assertRejected(["AWS_REGION": "us-east-1.evil.com"], setting: "AWS_REGION", mentions: "is not an AWS region name")
        assertRejected(["AWS_REGION": nil, "AWS_DEFAULT_REGION": "nowhere"], setting: "AWS_DEFAULT_REGION", mentions: "is not an AWS region name")
    }

    func testLongValuesAreCutInTheMessage() {
        var environment = minimal
        environment["ROLE_NAME"] = String(repeating: "x", count: 5000) + "/"
        XCTAssertThrowsError(try TaggerConfiguration(environment: environment)) { error in
            XCTAssertLessThan("\(error)".count, 200)
        }
    }
}
