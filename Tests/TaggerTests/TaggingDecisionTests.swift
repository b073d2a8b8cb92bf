import EC2
@testable import Tagger
import XCTest

final class TaggingDecisionTests: XCTestCase {
    private let roleId = TestData.roleId

    /// A launch event's decision (by the platform, or by `caller` itself).
    private func plan(_ ids: [String], _ instances: [Instance], caller: String? = nil) -> TaggingPlan {
        TaggingDecision.plan(instanceIds: ids, instances: instances, roleId: roleId, context: .launch(selfServiceCaller: caller),
                             keys: .defaults)
    }

    /// A sweep's or a source-tag change's decision.
    private func planExisting(_ instances: [Instance], roleId: String = TestData.roleId) -> TaggingPlan {
        TaggingDecision.plan(instanceIds: instances.map(\.instanceId), instances: instances, roleId: roleId, context: .existing,
                             keys: .defaults)
    }

    private func write(_ value: String, launchedBy: String? = nil, _ ids: [String]) -> TaggingPlan.TagChange {
        var tags = [Tag(key: "AwsUserId", value: value)]
        if let launchedBy { tags.append(Tag(key: "AwsUserIdLaunchedBy", value: launchedBy)) }
        return .init(tags: tags, instanceIds: ids)
    }

    func testMissingTagIsWritten() {
        let result = plan(["i-0000000a"], [TestData.instance("i-0000000a", createdBy: "tim.malone@example.org")])
        XCTAssertEqual(result.writes, [write("AROAEXAMPLEID1234567:tim.malone@example.org", ["i-0000000a"])])
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
        XCTAssertEqual(result.writes, [write("AROAEXAMPLEID1234567:bob", ["i-0000000b"])])
    }

    func testTagOfAnOlderRoleIdIsStale() {
        let result = plan(["i-0000000a"], [TestData.instance("i-0000000a", createdBy: "alice", userId: "AROAOLDROLEID0000001:alice")])
        XCTAssertEqual(result.writes, [write("AROAEXAMPLEID1234567:alice", ["i-0000000a"])])
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
            write("AROAEXAMPLEID1234567:bob", ["i-0000000a", "i-0000000c"]),
            write("AROAEXAMPLEID1234567:alice", ["i-0000000b", "i-0000000d"]),
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
        XCTAssertEqual(result.writes, [write("AROAEXAMPLEID1234567:alice", ["i-0000000a"])])
    }

    func testSelfServiceLaunchBelongsToTheLauncher() {
        let caller = "AROAEXAMPLEID1234567:tim.malone"
        let result = plan(["i-0000000a", "i-0000000b", "i-0000000c"], [
            TestData.instance("i-0000000a"),
            TestData.instance("i-0000000b", createdBy: "tim.malone"),
            TestData.instance("i-0000000c", createdBy: "victim", userId: caller),
        ], caller: caller)
        XCTAssertEqual(result.writes, [write(caller, launchedBy: "tim.malone", ["i-0000000a", "i-0000000b", "i-0000000c"])])
        XCTAssertEqual(result.unchanged, [])
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

    func testReplayedSelfServiceLaunchWritesNothing() {
        let caller = "AROAEXAMPLEID1234567:tim.malone"
        let result = plan(["i-0000000a"], [TestData.instance("i-0000000a", userId: caller, launchedBy: "tim.malone")], caller: caller)
        XCTAssertEqual(result.writes, [])
        XCTAssertEqual(result.removals, [])
        XCTAssertEqual(result.unchanged, [TaggedInstance(instanceId: "i-0000000a", value: caller)])
    }

    // MARK: revocation: access follows the owner

    func testTargetTagWithoutAValidSourceIsRevoked() {
        let result = planExisting([
            TestData.instance("i-0000000a", userId: "AROAEXAMPLEID1234567:alice"),
            TestData.instance("i-0000000b", createdBy: "carol o'brien", userId: "AROAEXAMPLEID1234567:carol"),
            TestData.instance("i-0000000c", createdBy: "", userId: ""),
        ])
        XCTAssertEqual(result.revoked, [
            RevokedInstance(instanceId: "i-0000000a", value: "AROAEXAMPLEID1234567:alice", reason: "no CreatedBy tag"),
            RevokedInstance(instanceId: "i-0000000b", value: "AROAEXAMPLEID1234567:carol",
                            reason: "CreatedBy is not a valid role session name ([\\w+=,.@-]{2,64}, ASCII only)"),
            RevokedInstance(instanceId: "i-0000000c", value: "",
                            reason: "CreatedBy is not a valid role session name ([\\w+=,.@-]{2,64}, ASCII only)"),
        ])
        // Each removal names the value it takes away, so EC2 keeps a value corrected meanwhile.
        XCTAssertEqual(result.removals, [
            .init(tags: [Tag(key: "AwsUserId", value: "AROAEXAMPLEID1234567:alice")], instanceIds: ["i-0000000a"]),
            .init(tags: [Tag(key: "AwsUserId", value: "AROAEXAMPLEID1234567:carol")], instanceIds: ["i-0000000b"]),
            .init(tags: [Tag(key: "AwsUserId", value: "")], instanceIds: ["i-0000000c"]),
        ])
        XCTAssertEqual(result.writes, [])
        XCTAssertEqual(result.skipped, [])
    }

    func testTheSameRemovalIsOneCall() {
        let stale = "AROAEXAMPLEID1234567:mallory"
        let result = planExisting([TestData.instance("i-0000000a", userId: stale), TestData.instance("i-0000000b", userId: stale)])
        XCTAssertEqual(result.removals, [.init(tags: [Tag(key: "AwsUserId", value: stale)], instanceIds: ["i-0000000a", "i-0000000b"])])
    }

    func testALaunchCarryingAForeignTargetTagIsCorrectedAtOnce() {
        // An Auto Scaling or EC2 Fleet launch: the launch template's tags,
        // written by a service-linked role no guard restricts.
        let result = plan(["i-0000000a", "i-0000000b"], [
            TestData.instance("i-0000000a", createdBy: "bob", userId: "AROAEXAMPLEID1234567:mallory"),
            TestData.instance("i-0000000b", userId: "AROAEXAMPLEID1234567:mallory"),
        ])
        XCTAssertEqual(result.writes, [write("AROAEXAMPLEID1234567:bob", ["i-0000000a"])])
        XCTAssertEqual(result.revoked, [RevokedInstance(instanceId: "i-0000000b", value: "AROAEXAMPLEID1234567:mallory", reason: "no CreatedBy tag")])
    }

    func testALaunchedByTagThatCameWithTheLaunchIsNotTrusted() {
        let result = plan(["i-0000000a", "i-0000000b"], [
            TestData.instance("i-0000000a", createdBy: "bob", userId: "AROAEXAMPLEID1234567:mallory", launchedBy: "mallory"),
            TestData.instance("i-0000000b", userId: "AROAEXAMPLEID1234567:mallory", launchedBy: "mallory"),
        ])
        XCTAssertEqual(result.writes, [write("AROAEXAMPLEID1234567:bob", ["i-0000000a"])])
        XCTAssertEqual(result.removals, [
            .init(tags: [Tag(key: "AwsUserIdLaunchedBy", value: "mallory")], instanceIds: ["i-0000000a"]),
            .init(tags: [Tag(key: "AwsUserId", value: "AROAEXAMPLEID1234567:mallory"), Tag(key: "AwsUserIdLaunchedBy", value: "mallory")],
                  instanceIds: ["i-0000000b"]),
        ])
        XCTAssertEqual(result.revoked.map(\.instanceId), ["i-0000000a", "i-0000000b"])
        XCTAssertEqual(result.revoked.first?.reason, "AwsUserIdLaunchedBy 'mallory' came with the launch, not from this function")
    }

    func testASweepKeepsASelfServiceLaunchWhateverCreatedBySays() {
        let owner = "AROAEXAMPLEID1234567:tim.malone"
        let result = planExisting([
            TestData.instance("i-0000000a", userId: owner, launchedBy: "tim.malone"),
            TestData.instance("i-0000000b", createdBy: "victim", userId: owner, launchedBy: "tim.malone"),
        ])
        XCTAssertEqual(result.unchanged, [TaggedInstance(instanceId: "i-0000000a", value: owner), TaggedInstance(instanceId: "i-0000000b", value: owner)])
        XCTAssertEqual(result.overridden, [SkippedInstance(instanceId: "i-0000000b",
            reason: "CreatedBy 'victim' ignored: the instance was launched by AROAEXAMPLEID1234567:tim.malone itself")])
        XCTAssertEqual(result.writes, [])
        XCTAssertEqual(result.removals, [])
    }

    func testASelfServiceLaunchFollowsARecreatedRole() {
        let result = planExisting([TestData.instance("i-0000000a", userId: "AROAOLDROLEID0000001:tim", launchedBy: "tim")])
        XCTAssertEqual(result.writes, [write("AROAEXAMPLEID1234567:tim", launchedBy: "tim", ["i-0000000a"])])
    }

    func testAnInvalidLaunchedByTagIsRemovedAndCreatedByDecides() {
        let result = planExisting([
            TestData.instance("i-0000000a", createdBy: "bob", userId: "AROAEXAMPLEID1234567:bob", launchedBy: "x y"),
            TestData.instance("i-0000000b", userId: "AROAEXAMPLEID1234567:x", launchedBy: "AROAEXAMPLEID1234567:x"),
        ])
        XCTAssertEqual(result.unchanged, [TaggedInstance(instanceId: "i-0000000a", value: "AROAEXAMPLEID1234567:bob")])
        XCTAssertEqual(result.removals, [
            .init(tags: [Tag(key: "AwsUserIdLaunchedBy", value: "x y")], instanceIds: ["i-0000000a"]),
            .init(tags: [Tag(key: "AwsUserId", value: "AROAEXAMPLEID1234567:x"), Tag(key: "AwsUserIdLaunchedBy", value: "AROAEXAMPLEID1234567:x")],
                  instanceIds: ["i-0000000b"]),
        ])
        XCTAssertEqual(result.writes, [])
    }

    func testASelfServiceLaunchMissingItsLaunchedByTagGetsItWithTheTargetTag() {
        // The function's policy allows CreateTags only with a target value, so both go together.
        let caller = "AROAEXAMPLEID1234567:tim"
        let result = plan(["i-0000000a"], [TestData.instance("i-0000000a", userId: caller)], caller: caller)
        XCTAssertEqual(result.writes, [write(caller, launchedBy: "tim", ["i-0000000a"])])
    }

    func testNoRevocationWithoutOwnershipTags() {
        let result = planExisting([TestData.instance("i-0000000a"), TestData.instance("i-0000000b", createdBy: "x y")])
        XCTAssertEqual(result.removals, [])
        XCTAssertEqual(result.revoked, [])
        XCTAssertEqual(result.skipped.count, 2)
    }

    func testOtherTagKeys() {
        let keys = TagKeys(source: "Owner", target: "SsmUser", launchedBy: "SsmUserLauncher")
        let instance = Instance(instanceId: "i-0000000a", state: "running", tags: ["CreatedBy": "alice", "AwsUserId": "x", "SsmUser": "AROAEXAMPLEID1234567:eve"])
        let result = TaggingDecision.plan(instanceIds: ["i-0000000a"], instances: [instance], roleId: roleId, context: .existing, keys: keys)
        XCTAssertEqual(result.removals, [.init(tags: [Tag(key: "SsmUser", value: "AROAEXAMPLEID1234567:eve")], instanceIds: ["i-0000000a"])])
        XCTAssertEqual(result.revoked.first?.reason, "no Owner tag")
    }

    func testCraftedLaunchedByValuesAreNeverTrusted() {
        let crafted = ["AROAEXAMPLEID1234567:victim", ":victim", "victim ", "vic\ttim", "jürgen", "", "x", String(repeating: "a", count: 65)]
        let instances = crafted.enumerated().map { TestData.instance(String(format: "i-%08x", $0.offset), launchedBy: $0.element) }
        let result = planExisting(instances)
        XCTAssertEqual(result.writes, [])
        XCTAssertEqual(result.revoked.count, crafted.count)
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
