import AWSQuery
import Primitives
@testable import Tagger
import XCTest

/// Central mode's settings: TAGGER_MEMBER_ROLE, TAGGER_EXTERNAL_ID,
/// ALLOWED_ACCOUNTS and RECONCILE_REGIONS.
final class CentralConfigurationTests: XCTestCase {
    private let minimal = ["ROLE_NAME": "Okta-ServiceWorkbenchUser", "AWS_REGION": "eu-central-1"]

    private func configuration(_ changes: [String: String]) throws -> TaggerConfiguration {
        try TaggerConfiguration(environment: minimal.merging(changes) { $1 })
    }

    private func assertRejected(_ changes: [String: String], setting: String, mentions text: String,
                                file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try configuration(changes), file: file, line: line) { error in
            guard let error = error as? ConfigurationError else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(error.setting, setting, file: file, line: line)
            XCTAssertTrue(error.problem.contains(text), "\(error.problem) lacks \(text)", file: file, line: line)
        }
    }

    func testCentralModeIsOffByDefault() throws {
        let configuration = try configuration([:])
        XCTAssertNil(configuration.central)
        XCTAssertEqual(configuration.allowedAccounts, [])
        XCTAssertEqual(configuration.reconcileRegions, ["eu-central-1"])
    }

    func testEveryCentralSetting() throws {
        let configuration = try configuration([
            "TAGGER_MEMBER_ROLE": "aws-userid-tagger/member", "TAGGER_EXTERNAL_ID": "org-o-abc123:tagger",
            "AWS_LAMBDA_FUNCTION_NAME": "central-TaggerFunction-AbC123",
            "ALLOWED_ACCOUNTS": "111111111111, 222222222222,111111111111", "RECONCILE_REGIONS": "eu-central-1,\teu-west-1",
        ])
        XCTAssertEqual(configuration.central, CentralMode(memberRole: "aws-userid-tagger/member", externalId: "org-o-abc123:tagger",
                                                          sessionName: "central-TaggerFunction-AbC123"))
        XCTAssertEqual(configuration.allowedAccounts, ["111111111111", "222222222222"])
        XCTAssertEqual(configuration.reconcileRegions, ["eu-central-1", "eu-west-1"])
    }

    func testSessionNameFallsBackWhenTheFunctionNameCannotBeOne() throws {
        XCTAssertEqual(try configuration(["TAGGER_MEMBER_ROLE": "m"]).central?.sessionName, "aws-userid-tagger")
        XCTAssertEqual(try configuration(["TAGGER_MEMBER_ROLE": "m", "AWS_LAMBDA_FUNCTION_NAME": "f"]).central?.sessionName, "aws-userid-tagger")
    }

    func testMemberRoleArnIsInTheRegionsPartition() throws {
        let central = CentralMode(memberRole: "aws-userid-tagger/member")
        for (region, partition) in [("eu-west-1", "aws"), ("cn-northwest-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov"),
                                    ("us-iso-east-1", "aws-iso"), ("us-isob-east-1", "aws-iso-b"), ("eu-isoe-west-1", "aws-iso-e"),
                                    ("us-isof-south-1", "aws-iso-f"), ("eusc-de-east-1", "aws-eusc")] {
            let configuration = try configuration(["TAGGER_MEMBER_ROLE": "aws-userid-tagger/member", "AWS_REGION": region])
            XCTAssertEqual(central.memberRoleArn(account: "111111111111", partition: configuration.partition),
                           "arn:\(partition):iam::111111111111:role/aws-userid-tagger/member", region)
        }
    }

    func testBadMemberRolesAreRefused() {
        for role in ["/member", "member/", "a//member", "mem ber", "arn:aws:iam::111111111111:role/member", String(repeating: "m", count: 65)] {
            assertRejected(["TAGGER_MEMBER_ROLE": role], setting: "TAGGER_MEMBER_ROLE", mentions: "is not a role name")
        }
    }

    func testABadExternalIdIsRefusedWithoutShowingIt() {
        for secret in ["~", "has space secret", String(repeating: "e", count: 1225)] {
            XCTAssertThrowsError(try configuration(["TAGGER_MEMBER_ROLE": "m", "TAGGER_EXTERNAL_ID": secret])) { error in
                let error = error as! ConfigurationError
                XCTAssertEqual(error.setting, "TAGGER_EXTERNAL_ID")
                XCTAssertFalse(error.description.contains(secret))
            }
        }
        assertRejected(["TAGGER_EXTERNAL_ID": "org-secret"], setting: "TAGGER_EXTERNAL_ID", mentions: "without TAGGER_MEMBER_ROLE")
    }

    func testRoleIdCannotServeManyAccounts() {
        assertRejected(["TAGGER_MEMBER_ROLE": "m", "ROLE_ID": "AROAEXAMPLEID1234567"], setting: "ROLE_ID", mentions: "another id in every account")
    }

    func testAccountIdsAreTwelveDigits() {
        for entry in ["11111111111", "1111111111111", "11111111111a", "１１１１１１１１１１１１", "111111111111:root"] {
            assertRejected(["ALLOWED_ACCOUNTS": "222222222222,\(entry)"], setting: "ALLOWED_ACCOUNTS", mentions: "is not an AWS account id")
        }
        assertRejected(["ALLOWED_ACCOUNTS": "222222222222,,111111111111"], setting: "ALLOWED_ACCOUNTS", mentions: "empty entry")
    }

    func testReconcileRegionsStayInOnePartition() {
        assertRejected(["RECONCILE_REGIONS": "eu-west-1,cn-north-1"], setting: "RECONCILE_REGIONS", mentions: "not in the aws partition")
        assertRejected(["RECONCILE_REGIONS": "eu-west-1,eu-west-1.evil.com"], setting: "RECONCILE_REGIONS", mentions: "not an AWS region name")
        assertRejected(["RECONCILE_REGIONS": "eu-west-1,"], setting: "RECONCILE_REGIONS", mentions: "empty entry")
    }
}
