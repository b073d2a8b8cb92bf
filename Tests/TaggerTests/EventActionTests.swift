import Foundation
@testable import Tagger
import XCTest

final class EventActionTests: XCTestCase {
    private func action(_ data: Data, _ configuration: TaggerConfiguration = TestData.configuration()) throws -> EventAction {
        try configuration.action(for: TaggerEvent.decode(data))
    }

    func testLaunchIsTaggedInTheEventsRegion() throws {
        let data = TestData.runInstances(ids: ["i-0123456789abcdef0"], region: "\"eu-west-3\"")
        guard case .tag(let request) = try action(data) else { return XCTFail("not a tag request") }
        XCTAssertEqual(request.region, "eu-west-3")
        XCTAssertEqual(request.instanceIds, ["i-0123456789abcdef0"])
        guard case .launch(let launcher) = request.origin else { return XCTFail("\(request.origin)") }
        XCTAssertEqual(launcher?.sessionContext?.sessionIssuer?.userName, "swb-LaunchConstraint")
    }

    func testScheduledEventReconciles() throws {
        XCTAssertEqual(try action(TestData.sample("scheduled.json")), .reconcile)
    }

    func testRegionThatIsNotARegionIsRejected() {
        for region in ["\"us-east-1.evil.com\"", "\"us-east-1/../x\"", "\"\"", "\"US-EAST-1\"", "\"ca-south-3r\""] {
            XCTAssertThrowsError(try action(TestData.runInstances(ids: ["i-0123456789abcdef0"], region: region)), region) { error in
                XCTAssertEqual((error as? TaggerError)?.errorType, "InvalidEvent")
                XCTAssertTrue((error as? TaggerError)?.message.hasPrefix("awsRegion: ") ?? false, "\(error)")
            }
        }
    }

    func testMissingRegionFallsBackToTheConfiguredOne() throws {
        let data = try TestData.replacing(#""awsRegion":"us-east-1","#, with: "", in: TestData.runInstances(ids: ["i-0123456789abcdef0"]))
        guard case .tag(let request) = try action(data) else { return XCTFail("not a tag request") }
        XCTAssertEqual(request.region, "us-east-1")
    }

    func testFailedLaunchIsIgnoredEvenWithAnInvalidRegion() throws {
        // The stratus record's anonymised region is not a region name; it is never used.
        XCTAssertEqual(try action(TestData.envelope(TestData.record("ct-failed-unauthorized-assumedrole-stratus"))),
                       .ignore(reason: "the RunInstances call failed ('Client.UnauthorizedOperation')"))
    }

    func testCreateTagsMustSetTheSourceKey() throws {
        XCTAssertEqual(try action(TestData.createTags(resourceIds: ["i-0123456789abcdef0"], tags: [("AwsUserId", "AROAX:bob")])),
                       .ignore(reason: "CreateTags does not set CreatedBy"))
        guard case .tag(let request) = try action(TestData.createTags(resourceIds: ["i-0123456789abcdef0"], tags: [("CreatedBy", "bob")])) else {
            return XCTFail("CreatedBy set: must tag")
        }
        XCTAssertEqual(request.origin, .tagChange, "CreateTags is never a self-service launch")
    }

    func testDeleteTagsMustRemoveTheSourceKey() throws {
        let one = "i-0123456789abcdef0"
        XCTAssertEqual(try action(TestData.deleteTags(resourceIds: [one], keys: ["AwsUserId"])),
                       .ignore(reason: "DeleteTags does not remove CreatedBy"))
        for keys in [["CreatedBy"], ["Name", "CreatedBy"]] {
            guard case .tag(let request) = try action(TestData.deleteTags(resourceIds: [one], keys: keys)) else {
                return XCTFail("\(keys): must check the instance")
            }
            XCTAssertEqual(request.origin, .tagChange)
            XCTAssertEqual(request.instanceIds, [one])
        }
        // Without tags, DeleteTags removes them all, the source tag too.
        let all = try TestData.replacing(#","tagSet":{"items":[{"key":"Name"}]}"#, with: "",
                                         in: TestData.deleteTags(resourceIds: [one], keys: ["Name"]))
        guard case .tag = try action(all) else { return XCTFail("a delete-all must check the instance") }
    }

    func testDeleteTagsFollowsTrustedLaunchers() throws {
        let configuration = TestData.configuration(trustedLaunchers: ["arn:aws:iam::111122223333:role/swb-LaunchConstraint"])
        let untrusted = TestData.deleteTags(resourceIds: ["i-0123456789abcdef0"], keys: ["CreatedBy"], launcher: TestData.userLauncher())
        guard case .ignore(let reason) = try action(untrusted, configuration) else { return XCTFail("untrusted must be ignored") }
        XCTAssertTrue(reason.contains("is not in TRUSTED_LAUNCHERS"), reason)
    }

    func testCreateTagsOnOtherResourcesOnlyIsIgnored() throws {
        XCTAssertEqual(try action(TestData.createTags(resourceIds: ["vol-0123456789abcdef0"], tags: [("CreatedBy", "bob")])),
                       .ignore(reason: "no instance ids in the CreateTags event"))
    }

    func testLaunchWithoutInstancesIsIgnored() throws {
        XCTAssertEqual(try action(TestData.runInstances(ids: [])), .ignore(reason: "no instance ids in the RunInstances event"))
    }

    func testTrustedLaunchersMatchSessionOrRoleARN() throws {
        let data = TestData.runInstances(ids: ["i-0123456789abcdef0"])
        let trusted = [
            "arn:aws:sts::111122223333:assumed-role/swb-LaunchConstraint/*",
            "arn:aws:iam::111122223333:role/swb-LaunchConstraint",
            "arn:aws:iam::*:role/swb-*",
        ]
        for pattern in trusted {
            guard case .tag = try action(data, TestData.configuration(trustedLaunchers: ["arn:aws:iam::999999999999:root", pattern])) else {
                return XCTFail("\(pattern) should trust the launcher")
            }
        }
        XCTAssertEqual(try action(data, TestData.configuration(trustedLaunchers: ["arn:aws:iam::111122223333:role/Other"])),
                       .ignore(reason: "launcher 'arn:aws:sts::111122223333:assumed-role/swb-LaunchConstraint/servicecatalog' is not in TRUSTED_LAUNCHERS"))
    }

    func testRoleARNCountsOnlyForAssumedRoles() throws {
        // An IAM user has no session issuer: a role pattern does not trust it.
        let user = #"{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/c7nbot","sessionContext":{"sessionIssuer":{"arn":"arn:aws:iam::111122223333:role/swb-LaunchConstraint"}}}"#
        let data = TestData.runInstances(ids: ["i-0123456789abcdef0"], launcher: user)
        guard case .ignore = try action(data, TestData.configuration(trustedLaunchers: ["arn:aws:iam::111122223333:role/swb-LaunchConstraint"])) else {
            return XCTFail("an IAM user is not a session of the role")
        }
    }

    func testLauncherWithoutARNIsUntrustedWhenTheListIsSet() throws {
        let data = TestData.runInstances(ids: ["i-0123456789abcdef0"], launcher: #"{"type":"AWSService","invokedBy":"ec2.amazonaws.com"}"#)
        XCTAssertEqual(try action(data, TestData.configuration(trustedLaunchers: ["arn:*"])),
                       .ignore(reason: "the launcher has no ARN and TRUSTED_LAUNCHERS is set"))
        guard case .tag = try action(data) else { return XCTFail("no list: everyone is trusted") }
    }

    func testUntrustedCreateTagsIsIgnored() throws {
        let data = TestData.createTags(resourceIds: ["i-0123456789abcdef0"], tags: [("CreatedBy", "victim")],
                                       launcher: TestData.userLauncher())
        guard case .ignore(let reason) = try action(data, TestData.configuration(trustedLaunchers: ["arn:aws:iam::111122223333:role/swb-LaunchConstraint"])) else {
            return XCTFail("a user setting CreatedBy must not be trusted")
        }
        XCTAssertTrue(reason.contains("is not in TRUSTED_LAUNCHERS"))
    }
}
