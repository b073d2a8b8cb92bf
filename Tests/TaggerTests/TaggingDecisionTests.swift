import EC2
import XCTest
@testable import Tagger

final class TaggingDecisionTests: XCTestCase {
    private let roleId = TestData.roleId

    private func plan(_ ids: [String], _ instances: [Instance], caller: String? = nil) -> TaggingPlan {
        TaggingDecision.plan(instanceIds: ids, instances: instances, roleId: roleId, selfServiceCaller: caller,
                             sourceTagKey: "CreatedBy", targetTagKey: "AwsUserId")
    }

    func testMissingTagIsWritten() {
        let result = plan(["i-0000000a"], [TestData.instance("i-0000000a", createdBy: "tim.malone@example.org")])
        XCTAssertEqual(result.writes, [.init(value: "AROAEXAMPLEID1234567:tim.malone@example.org", instanceIds: ["i-0000000a"])])
        XCTAssertEqual(result.tagged, [TaggedInstance(instanceId: "i-0000000a", value: "AROAEXAMPLEID1234567:tim.malone@example.org")])
        XCTAssertEqual(result.unchanged, [])
        XCTAssertEqual(result.skipped, [])
    }

    func testRightTagIsUnchangedAndStaleTagIsRewritten() {
        let result = plan(["i-0000000a", "i-0000000b"], [
            TestData.instance("i-0000000a", createdBy: "alice", userId: "AROAEXAMPLEID1234567:alice"),
            TestData.instance("i-0000000b", createdBy: "bob", userId: "AROAEXAMPLEID1234567:alice"),
        ])
        XCTAssertEqual(result.unchanged, [TaggedInstance(instanceId: "i-0000000a", value: "AROAEXAMPLEID1234567:alice")])
        XCTAssertEqual(result.writes, [.init(value: "AROAEXAMPLEID1234567:bob", instanceIds: ["i-0000000b"])])
    }

    func testTagOfAnOlderRoleIdIsStale() {
        let result = plan(["i-0000000a"], [TestData.instance("i-0000000a", createdBy: "alice", userId: "AROAOLDROLEID0000001:alice")])
        XCTAssertEqual(result.writes, [.init(value: "AROAEXAMPLEID1234567:alice", instanceIds: ["i-0000000a"])])
    }

    func testOneWritePerDistinctValueInEventOrder() {
        let ids = ["i-0000000a", "i-0000000b", "i-0000000c", "i-0000000d"]
        let result = plan(ids, [
            TestData.instance("i-0000000d", createdBy: "alice"),
            TestData.instance("i-0000000c", createdBy: "bob"),
            TestData.instance("i-0000000b", createdBy: "alice"),
            TestData.instance("i-0000000a", createdBy: "bob"),
        ])
        XCTAssertEqual(result.writes, [
            .init(value: "AROAEXAMPLEID1234567:bob", instanceIds: ["i-0000000a", "i-0000000c"]),
            .init(value: "AROAEXAMPLEID1234567:alice", instanceIds: ["i-0000000b", "i-0000000d"]),
        ])
        XCTAssertEqual(result.tagged.map(\.instanceId), ids)
    }

    func testSkipReasons() {
        let result = plan(["i-0000000a", "i-0000000b", "i-0000000c", "i-0000000d", "i-0000000e"], [
            TestData.instance("i-0000000a"),
            TestData.instance("i-0000000b", createdBy: "AROAVICTIMROLEID00001:victim"),
            TestData.instance("i-0000000c", createdBy: "tim malone"),
            TestData.instance("i-0000000e", createdBy: "alice", state: "terminated"),
        ])
        XCTAssertEqual(result.skipped, [
            SkippedInstance(instanceId: "i-0000000a", reason: "no CreatedBy tag"),
            SkippedInstance(instanceId: "i-0000000b", reason: "CreatedBy is not a valid role session name ([\\w+=,.@-]{2,64}, ASCII only)"),
            SkippedInstance(instanceId: "i-0000000c", reason: "CreatedBy is not a valid role session name ([\\w+=,.@-]{2,64}, ASCII only)"),
            SkippedInstance(instanceId: "i-0000000d", reason: "instance not found"),
            SkippedInstance(instanceId: "i-0000000e", reason: "instance is terminated"),
        ])
        XCTAssertEqual(result.writes, [])
        XCTAssertEqual(result.tagged, [])
    }

    func testCraftedValuesAreNeverWritten() {
        let crafted = ["AROAEXAMPLEID1234567:victim", ":victim", "victim ", " victim", "vic\ttim", "vic\ntim", "jürgen", "", "x",
                       "victim\u{0}", String(repeating: "a", count: 65)]
        let instances = crafted.enumerated().map { TestData.instance(String(format: "i-%08x", $0.offset), createdBy: $0.element) }
        let result = plan(instances.map(\.instanceId), instances)
        XCTAssertEqual(result.writes, [])
        XCTAssertEqual(result.skipped.count, crafted.count)
    }

    func testRepeatedIdsAndInstancesCountOnce() {
        let alice = TestData.instance("i-0000000a", createdBy: "alice")
        let result = plan(["i-0000000a", "i-0000000a"], [alice, alice])
        XCTAssertEqual(result.writes, [.init(value: "AROAEXAMPLEID1234567:alice", instanceIds: ["i-0000000a"])])
    }

    func testSelfServiceLaunchBelongsToTheLauncher() {
        let caller = "AROAEXAMPLEID1234567:tim.malone"
        let result = plan(["i-0000000a", "i-0000000b", "i-0000000c"], [
            TestData.instance("i-0000000a"),
            TestData.instance("i-0000000b", createdBy: "tim.malone"),
            TestData.instance("i-0000000c", createdBy: "victim", userId: caller),
        ], caller: caller)
        XCTAssertEqual(result.writes, [.init(value: caller, instanceIds: ["i-0000000a", "i-0000000b"])])
        XCTAssertEqual(result.unchanged, [TaggedInstance(instanceId: "i-0000000c", value: caller)])
        XCTAssertEqual(result.overridden, [SkippedInstance(instanceId: "i-0000000c",
            reason: "CreatedBy 'victim' ignored: the instance was launched by AROAEXAMPLEID1234567:tim.malone itself")])
        XCTAssertEqual(result.skipped, [])
    }

    func testSelfServiceLauncherMustBeASessionOfTheRole() {
        for caller in ["AROAOTHERROLEID000001:tim", "AROAEXAMPLEID1234567:", "AROAEXAMPLEID1234567:tim malone", "AROAEXAMPLEID1234567"] {
            let result = plan(["i-0000000a"], [TestData.instance("i-0000000a", createdBy: "tim")], caller: caller)
            XCTAssertEqual(result.writes, [], caller)
            XCTAssertEqual(result.skipped.first?.reason.hasPrefix("launcher '"), true, caller)
        }
    }

    func testSelfServiceCallerDetection() throws {
        let issuer = UserIdentity.SessionIssuer(type: "Role", principalId: "AROAEXAMPLEID1234567",
                                                arn: "arn:aws:iam::111122223333:role/Okta-ServiceWorkbenchUser",
                                                userName: "Okta-ServiceWorkbenchUser")
        let session = UserIdentity(type: "AssumedRole", principalId: "AROAEXAMPLEID1234567:tim",
                                   arn: "arn:aws:sts::111122223333:assumed-role/Okta-ServiceWorkbenchUser/tim",
                                   sessionContext: .init(sessionIssuer: issuer))
        XCTAssertEqual(SelfServiceLaunch.caller(of: session, roleName: TestData.roleName, roleId: roleId), "AROAEXAMPLEID1234567:tim")
        // Found by the ARN alone, by the role id alone (ROLE_ID without ROLE_NAME).
        var arnOnly = session
        arnOnly.sessionContext = nil
        arnOnly.principalId = "AROAOTHER:tim"
        XCTAssertEqual(SelfServiceLaunch.caller(of: arnOnly, roleName: TestData.roleName, roleId: roleId), "AROAOTHER:tim")
        XCTAssertEqual(SelfServiceLaunch.caller(of: session, roleName: nil, roleId: roleId), "AROAEXAMPLEID1234567:tim")
        // Not a session of the users' role.
        let platform = UserIdentity(type: "AssumedRole", principalId: "AROAEXAMPLELAUNCH0001:sc",
                                    arn: "arn:aws:sts::111122223333:assumed-role/swb-LaunchConstraint/sc", sessionContext: nil)
        XCTAssertNil(SelfServiceLaunch.caller(of: platform, roleName: TestData.roleName, roleId: roleId))
        var user = session
        user.type = "IAMUser"
        XCTAssertNil(SelfServiceLaunch.caller(of: user, roleName: TestData.roleName, roleId: roleId))
        XCTAssertNil(SelfServiceLaunch.caller(of: nil, roleName: TestData.roleName, roleId: roleId))
    }
}
