import AWSQuery
import EC2
import Foundation
import IAM
import Primitives
@testable import Tagger
import TestSupport
import XCTest

final class TaggingServiceTests: XCTestCase {
    private var clock = FakeClock()
    private var iam = FakeIAM(role: Role(roleName: TestData.roleName, roleId: TestData.roleId,
                                         arn: "arn:aws:iam::111122223333:role/Okta-ServiceWorkbenchUser"))
    private var ec2 = FakeEC2()
    private var ec2Regions: [String] = []
    private var iamMade = 0

    private func makeTagger(_ configuration: TaggerConfiguration = TestData.configuration()) -> TaggingService {
        TaggingService(configuration: configuration, clock: clock,
               iam: { self.iamMade += 1; return self.iam },
               ec2: { region in self.ec2Regions.append(region); return self.ec2 })
    }

    private var deadline: Date { clock.now.addingTimeInterval(10) }
    private let one = "i-0123456789abcdef0"
    private let value = "AROAEXAMPLEID1234567:tim.malone@example.org"

    func testWarmLaunchCostsTwoCallsAndGetRoleRunsOncePerProcess() throws {
        ec2.instances[one] = TestData.instance(one, createdBy: "tim.malone@example.org")
        let tagger = makeTagger()
        let result = try tagger.handle(event: TestData.sample("run-instances-one.json"), deadline: deadline)
        XCTAssertEqual(result.json, #"{"tagged":[{"instanceId":"i-0123456789abcdef0","value":"AROAEXAMPLEID1234567:tim.malone@example.org"}],"unchanged":[],"skipped":[]}"#)
        XCTAssertEqual(ec2.calls, [.describeIds([one]), .createTags([one], [Tag(key: "AwsUserId", value: value)], dryRun: false)])
        XCTAssertEqual(iam.getRoleCalls, [TestData.roleName])

        // Warm: a second launch costs DescribeInstances + CreateTags and no GetRole.
        let second = "i-0123456789abcdef1"
        ec2.instances[second] = TestData.instance(second, createdBy: "alice")
        let before = ec2.calls.count
        _ = try tagger.handle(event: TestData.runInstances(ids: [second]), deadline: deadline)
        XCTAssertEqual(Array(ec2.calls[before...]), [.describeIds([second]),
                                                     .createTags([second], [Tag(key: "AwsUserId", value: "AROAEXAMPLEID1234567:alice")], dryRun: false)])
        XCTAssertEqual(iam.getRoleCalls.count, 1)
        XCTAssertEqual(ec2Regions, ["us-east-1"], "one EC2 client per region")
    }

    func testThreeInstancesOneDescribeOneWrite() throws {
        let ids = ["i-0123456789abcdef0", "i-0123456789abcdef1", "i-0123456789abcdef2"]
        for id in ids { ec2.instances[id] = TestData.instance(id, createdBy: "tim.malone@example.org") }
        let result = try makeTagger().handle(event: TestData.sample("run-instances-three.json"), deadline: deadline)
        XCTAssertEqual(ec2.calls, [.describeIds(ids), .createTags(ids, [Tag(key: "AwsUserId", value: value)], dryRun: false)])
        XCTAssertEqual(result.tagged.map(\.instanceId), ids)
    }

    func testAThousandInstanceLaunchIsStillTwoCalls() throws {
        let ids = (0..<1000).map { String(format: "i-%017x", $0) }
        for id in ids { ec2.instances[id] = TestData.instance(id, createdBy: "alice") }
        let result = try makeTagger(TestData.configuration(roleId: TestData.roleId)).handle(event: TestData.runInstances(ids: ids), deadline: deadline)
        XCTAssertEqual(ec2.calls, [.describeIds(ids), .createTags(ids, [Tag(key: "AwsUserId", value: "AROAEXAMPLEID1234567:alice")], dryRun: false)])
        XCTAssertEqual(result.tagged.count, 1000)
    }

    func testReplayWritesNothing() throws {
        ec2.instances[one] = TestData.instance(one, createdBy: "tim.malone@example.org")
        let tagger = makeTagger()
        let event = try TestData.sample("run-instances-one.json")
        _ = try tagger.handle(event: event, deadline: deadline)
        let replay = try tagger.handle(event: event, deadline: deadline)
        XCTAssertEqual(ec2.writes.count, 1)
        XCTAssertEqual(replay.json, #"{"tagged":[],"unchanged":[{"instanceId":"i-0123456789abcdef0","value":"AROAEXAMPLEID1234567:tim.malone@example.org"}],"skipped":[]}"#)
    }

    func testStaleTagIsOverwritten() throws {
        ec2.instances[one] = TestData.instance(one, createdBy: "tim.malone@example.org", userId: "AROAEXAMPLEID1234567:someone.else")
        let result = try makeTagger().handle(event: TestData.sample("create-tags.json"), deadline: deadline)
        XCTAssertEqual(result.tagged, [TaggedInstance(instanceId: one, value: value)])
        XCTAssertEqual(ec2.instances[one]?.tags["AwsUserId"], value)
    }

    func testNotFoundIsRetriedThenSucceeds() throws {
        ec2.instances[one] = TestData.instance(one, createdBy: "tim.malone@example.org")
        ec2.pendingVisibility[one] = 2
        let result = try makeTagger().handle(event: TestData.sample("run-instances-one.json"), deadline: deadline)
        XCTAssertEqual(result.tagged.map(\.instanceId), [one])
        XCTAssertEqual(ec2.calls.filter { $0 == .describeIds([one]) }.count, 3)
        XCTAssertEqual(clock.sleeps, [0.2, 0.4])
    }

    func testMissingInstanceDoesNotBlockTheOthers() throws {
        let ids = ["i-0123456789abcdef0", "i-0123456789abcdef1", "i-0123456789abcdef2"]
        ec2.instances[ids[0]] = TestData.instance(ids[0], createdBy: "alice")
        ec2.instances[ids[2]] = TestData.instance(ids[2], createdBy: "alice")
        let result = try makeTagger().handle(event: TestData.runInstances(ids: ids), deadline: deadline)
        XCTAssertEqual(result.skipped, [SkippedInstance(instanceId: ids[1], reason: "instance not found")])
        XCTAssertEqual(result.tagged.map(\.instanceId), [ids[0], ids[2]])
        XCTAssertEqual(clock.sleeps, InstanceLookup.retryDelays)
        // Five batch attempts, then the batch without the id EC2 named, then the write.
        XCTAssertEqual(ec2.calls.count, 5 + 1 + 1)
        XCTAssertEqual(ec2.calls[5], .describeIds([ids[0], ids[2]]))
    }

    func testMissingInstanceUnnamedByEC2FallsBackToOneByOne() throws {
        let ids = ["i-0123456789abcdef0", "i-0123456789abcdef1"]
        ec2.instances[ids[1]] = TestData.instance(ids[1], createdBy: "alice")
        ec2.namesMissingIds = false
        let result = try makeTagger().handle(event: TestData.runInstances(ids: ids), deadline: deadline)
        XCTAssertEqual(result.skipped, [SkippedInstance(instanceId: ids[0], reason: "instance not found")])
        XCTAssertEqual(result.tagged.map(\.instanceId), [ids[1]])
        XCTAssertEqual(Array(ec2.calls[5...6]), [.describeIds([ids[0]]), .describeIds([ids[1]])])
    }

    func testNotFoundRetriesStopBeforeTheDeadline() throws {
        let result = try makeTagger().handle(event: TestData.runInstances(ids: [one]), deadline: clock.now.addingTimeInterval(0.5))
        XCTAssertEqual(clock.sleeps, [0.2], "a 0.4 s wait would pass the deadline")
        XCTAssertEqual(result.skipped, [SkippedInstance(instanceId: one, reason: "instance not found")])
    }

    func testDryRunSendsDryRunWritesAndSaysSo() throws {
        ec2.instances[one] = TestData.instance(one, createdBy: "tim.malone@example.org")
        let result = try makeTagger().handle(event: TestData.sample("run-instances-one.json"), deadline: deadline, dryRun: true)
        XCTAssertEqual(ec2.writes, [.createTags([one], [Tag(key: "AwsUserId", value: value)], dryRun: true)])
        XCTAssertNil(ec2.instances[one]?.tags["AwsUserId"])
        XCTAssertTrue(result.json.hasSuffix(#""skipped":[],"dryRun":true}"#), result.json)
    }

    func testIgnoredEventsMakeNoCallsAtAll() throws {
        let tagger = makeTagger(TestData.configuration(trustedLaunchers: ["arn:aws:iam::111122223333:role/swb-LaunchConstraint"]))
        let ignored = [
            try TestData.sample("run-instances-failed.json"),
            try TestData.envelope(TestData.record("ct-eks-nodegroup-slr-dryrun-failed-panther")),
            TestData.createTags(resourceIds: [one], tags: [("AwsUserId", "x")]),
            TestData.runInstances(ids: [one], launcher: TestData.userLauncher()),
            try TestData.envelope(TestData.record("ct-root-two-instances-c7n")),
        ]
        for event in ignored {
            let result = try tagger.handle(event: event, deadline: deadline)
            XCTAssertNotNil(result.ignored)
            XCTAssertTrue(result.json.hasPrefix(#"{"tagged":[],"unchanged":[],"skipped":[],"ignored":""#), result.json)
        }
        XCTAssertEqual(ec2.calls, [])
        XCTAssertEqual(iamMade + ec2Regions.count, 0, "no client is even made")
    }

    func testSelfServiceLaunchIsTaggedWithTheLaunchersIdAndRecordsTheLauncher() throws {
        let id = "i-0123456789abcdef3"
        ec2.instances[id] = TestData.instance(id)
        let result = try makeTagger().handle(event: TestData.sample("run-instances-self-service.json"), deadline: deadline)
        XCTAssertEqual(result.tagged, [TaggedInstance(instanceId: id, value: "AROAEXAMPLEID1234567:tim.malone@example.org")])
        XCTAssertEqual(ec2.writes, [.createTags([id], [Tag(key: "AwsUserId", value: "AROAEXAMPLEID1234567:tim.malone@example.org"),
                                                       Tag(key: "AwsUserIdLaunchedBy", value: "tim.malone@example.org")], dryRun: false)])
        // The sweep cannot see the launcher: the launched-by tag keeps the instance its owner's.
        let sweep = try makeTagger().reconcile(deadline: deadline)
        XCTAssertEqual(sweep.unchanged.map(\.instanceId), [id])
        XCTAssertEqual(ec2.writes.count, 1)
    }

    // MARK: revocation

    func testDeletingTheSourceTagRevokesAccess() throws {
        ec2.instances[one] = TestData.instance(one, userId: value)
        let result = try makeTagger().handle(event: TestData.deleteTags(resourceIds: [one], keys: ["CreatedBy"]), deadline: deadline)
        XCTAssertEqual(ec2.writes, [.deleteTags([one], [Tag(key: "AwsUserId", value: value)], dryRun: false)])
        XCTAssertNil(ec2.instances[one]?.tags["AwsUserId"])
        XCTAssertEqual(result.json, #"{"tagged":[],"unchanged":[],"skipped":[],"revoked":[{"instanceId":"i-0123456789abcdef0","value":"AROAEXAMPLEID1234567:tim.malone@example.org","reason":"no CreatedBy tag"}]}"#)
    }

    func testAnInvalidSourceTagRevokesAccessAndDryRunOnlyAsks() throws {
        ec2.instances[one] = TestData.instance(one, createdBy: "carol o'brien", userId: "AROAEXAMPLEID1234567:carol")
        let event = TestData.createTags(resourceIds: [one], tags: [("CreatedBy", "carol o'brien")])
        let dry = try makeTagger().handle(event: event, deadline: deadline, dryRun: true)
        XCTAssertEqual(ec2.writes, [.deleteTags([one], [Tag(key: "AwsUserId", value: "AROAEXAMPLEID1234567:carol")], dryRun: true)])
        XCTAssertEqual(ec2.instances[one]?.tags["AwsUserId"], "AROAEXAMPLEID1234567:carol")
        XCTAssertTrue(dry.json.hasSuffix(#""reason":"CreatedBy is not a valid role session name ([\\w+=,.@-]{2,64}, ASCII only)"}],"dryRun":true}"#), dry.json)
        let result = try makeTagger().handle(event: event, deadline: deadline)
        XCTAssertEqual(result.revoked.map(\.instanceId), [one])
        XCTAssertNil(ec2.instances[one]?.tags["AwsUserId"])
    }

    func testReconcileRevokesWhatNothingBacksThenWritesNothing() throws {
        ec2.instances = [
            "i-0000000a": TestData.instance("i-0000000a", userId: "AROAEXAMPLEID1234567:mallory"),
            "i-0000000b": TestData.instance("i-0000000b", createdBy: "x y", userId: "AROAEXAMPLEID1234567:x"),
            "i-0000000c": TestData.instance("i-0000000c", createdBy: "bob", userId: "AROAEXAMPLEID1234567:bob"),
        ]
        let first = try makeTagger().reconcile(deadline: deadline)
        XCTAssertEqual(first.revoked.map(\.instanceId), ["i-0000000a", "i-0000000b"])
        XCTAssertEqual(first.unchanged.map(\.instanceId), ["i-0000000c"])
        let writes = ec2.writes.count
        let second = try makeTagger().reconcile(deadline: deadline)
        XCTAssertEqual(ec2.writes.count, writes, "the second sweep writes nothing")
        XCTAssertEqual(second.revoked, [])
        XCTAssertEqual(second.skipped.map(\.instanceId), ["i-0000000b"])
    }

    func testAnAutoScalingLaunchCarryingAForeignTargetTagIsCorrected() throws {
        // The real record of an Auto Scaling launch (caller: its service-linked role).
        let id = "i-07d06021b0da55115"
        ec2.instances[id] = TestData.instance(id, createdBy: "bob", userId: "AROAEXAMPLEID1234567:mallory")
        let result = try makeTagger().handle(event: TestData.envelope(TestData.record("ct-autoscaling-slr-fleet-panther")), deadline: deadline)
        XCTAssertEqual(result.tagged, [TaggedInstance(instanceId: id, value: "AROAEXAMPLEID1234567:bob")])
        ec2.instances[id] = TestData.instance(id, userId: "AROAEXAMPLEID1234567:mallory", launchedBy: "mallory")
        let revoked = try makeTagger().handle(event: TestData.envelope(TestData.record("ct-autoscaling-slr-fleet-panther")), deadline: deadline)
        XCTAssertEqual(revoked.revoked.map(\.reason), ["no CreatedBy tag"])
        XCTAssertEqual(ec2.instances[id]?.tags["AwsUserId"], nil)
        XCTAssertEqual(ec2.instances[id]?.tags["AwsUserIdLaunchedBy"], nil)
    }

    func testTheRoleIdIsReadAgainAfterFifteenMinutesAndAtEverySweep() throws {
        ec2.instances[one] = TestData.instance(one, createdBy: "alice")
        let tagger = makeTagger()
        _ = try tagger.handle(event: TestData.runInstances(ids: [one]), deadline: deadline)
        // The users' role is deleted and created again: a new RoleId.
        iam.role.roleId = "AROANEWROLEID0000002"
        clock.sleep(seconds: 14 * 60)
        _ = try tagger.handle(event: TestData.runInstances(ids: [one]), deadline: deadline)
        XCTAssertEqual(iam.getRoleCalls.count, 1, "within 15 minutes the cached id is used")
        clock.sleep(seconds: 60)
        let result = try tagger.handle(event: TestData.runInstances(ids: [one]), deadline: deadline)
        XCTAssertEqual(iam.getRoleCalls.count, 2)
        XCTAssertEqual(result.tagged, [TaggedInstance(instanceId: one, value: "AROANEWROLEID0000002:alice")])
        // A sweep reads it again whatever its age.
        _ = try tagger.reconcile(deadline: deadline)
        XCTAssertEqual(iam.getRoleCalls.count, 3)
    }

    func testAFailedRoleReadNeverFallsBackToTheOldId() throws {
        ec2.instances[one] = TestData.instance(one, createdBy: "alice")
        let tagger = makeTagger()
        _ = try tagger.handle(event: TestData.runInstances(ids: [one]), deadline: deadline)
        let writes = ec2.writes.count
        iam.failure = AWSError(code: .service("NoSuchEntity"), message: "The role with name Okta-ServiceWorkbenchUser cannot be found.",
                               httpStatus: 404, operation: "iam:GetRole")
        XCTAssertThrowsError(try tagger.reconcile(deadline: deadline)) { error in
            XCTAssertEqual((error as? TaggerError)?.errorType, "NoSuchEntity")
        }
        XCTAssertEqual(ec2.writes.count, writes)
    }

    func testRoleIdFromConfigurationIsNeverReadAgain() throws {
        let tagger = makeTagger(TestData.configuration(roleId: "AROAFROMCONFIG000001"))
        _ = try tagger.reconcile(deadline: deadline)
        clock.sleep(seconds: 3600)
        _ = try tagger.reconcile(deadline: deadline)
        XCTAssertEqual(iamMade, 0)
    }

    func testRoleIdFromConfigurationSkipsGetRole() throws {
        ec2.instances[one] = TestData.instance(one, createdBy: "alice")
        let result = try makeTagger(TestData.configuration(roleId: "AROAFROMCONFIG000001")).handle(
            event: TestData.runInstances(ids: [one]), deadline: deadline)
        XCTAssertEqual(result.tagged, [TaggedInstance(instanceId: one, value: "AROAFROMCONFIG000001:alice")])
        XCTAssertEqual(iamMade, 0)
    }

    func testInvalidRoleIdFromIAMIsAnErrorNotATag() throws {
        ec2.instances[one] = TestData.instance(one, createdBy: "alice")
        iam.role.roleId = "AROAbad:id"
        XCTAssertThrowsError(try makeTagger().handle(event: TestData.runInstances(ids: [one]), deadline: deadline)) { error in
            XCTAssertEqual((error as? TaggerError)?.errorType, "InvalidResponse")
            XCTAssertEqual((error as? TaggerError)?.kind, .aws)
        }
        XCTAssertEqual(ec2.writes, [])
    }

    func testAWSFailuresKeepTheirCode() throws {
        iam.failure = AWSError(code: .service("AccessDenied"), message: "not authorized to perform: iam:GetRole", httpStatus: 403, operation: "iam:GetRole")
        XCTAssertThrowsError(try makeTagger().handle(event: TestData.runInstances(ids: [one]), deadline: deadline)) { error in
            XCTAssertEqual((error as? TaggerError)?.errorType, "AccessDenied")
            XCTAssertEqual((error as? TaggerError)?.message, "iam:GetRole: AccessDenied: not authorized to perform: iam:GetRole (HTTP 403)")
        }
        iam.failure = nil
        ec2.failure = AWSError(code: AWSError.Code.deadlineExceeded, message: "no time left", operation: "ec2:DescribeInstances")
        XCTAssertThrowsError(try makeTagger().handle(event: TestData.runInstances(ids: [one]), deadline: deadline)) { error in
            XCTAssertEqual((error as? TaggerError)?.errorType, "DeadlineExceeded")
        }
    }

    func testClientFactoryErrorsAreConfigurationErrors() {
        let tagger = TaggingService(configuration: TestData.configuration(), clock: clock, iam: { self.iam }, ec2: { _ in
            throw ConfigurationError(setting: "AWS_ENDPOINT_URL_EC2", problem: "'ftp://x' must start with https:// or http://")
        })
        XCTAssertThrowsError(try tagger.handle(event: TestData.runInstances(ids: [one]), deadline: deadline)) { error in
            XCTAssertEqual((error as? TaggerError)?.errorType, "InvalidConfiguration")
            XCTAssertEqual((error as? TaggerError)?.message, "AWS_ENDPOINT_URL_EC2: 'ftp://x' must start with https:// or http://")
        }
    }

    func testInvalidEventIsAnError() {
        XCTAssertThrowsError(try makeTagger().handle(event: Data("not json".utf8), deadline: deadline)) { error in
            XCTAssertEqual((error as? TaggerError)?.kind, .invalidEvent)
        }
        XCTAssertEqual(ec2.calls, [])
    }

    // MARK: reconcile

    func testReconcileFixesMissingAndStaleTagsInPages() throws {
        ec2.instances = [
            "i-0000000a": TestData.instance("i-0000000a", createdBy: "alice"),
            "i-0000000b": TestData.instance("i-0000000b", createdBy: "alice", userId: "AROAEXAMPLEID1234567:alice"),
            "i-0000000c": TestData.instance("i-0000000c", createdBy: "bob", userId: "AROAEXAMPLEID1234567:alice", state: "stopped"),
            "i-0000000d": TestData.instance("i-0000000d", createdBy: "bad name"),
            "i-0000000e": TestData.instance("i-0000000e", createdBy: "alice", state: "terminated"),
            "i-0000000f": TestData.instance("i-0000000f"),
        ]
        // The schedule's own region is not used: the sweep covers the function's region.
        let result = try makeTagger(TestData.configuration(region: "eu-west-1")).handle(event: TestData.sample("scheduled.json"), deadline: deadline)
        XCTAssertEqual(ec2Regions, ["eu-west-1"])
        XCTAssertEqual(ec2.calls, [
            .describeFilters([Filter(name: "tag-key", values: ["CreatedBy", "AwsUserId", "AwsUserIdLaunchedBy"]),
                              Filter(name: "instance-state-name", values: ["pending", "running", "stopping", "stopped"])], pageSize: RegionSweep.pageSize),
            .createTags(["i-0000000a"], [Tag(key: "AwsUserId", value: "AROAEXAMPLEID1234567:alice")], dryRun: false),
            .createTags(["i-0000000c"], [Tag(key: "AwsUserId", value: "AROAEXAMPLEID1234567:bob")], dryRun: false),
        ])
        XCTAssertEqual(result.json, """
            {"tagged":[{"instanceId":"i-0000000a","value":"AROAEXAMPLEID1234567:alice"},{"instanceId":"i-0000000c","value":"AROAEXAMPLEID1234567:bob"}],\
            "unchanged":[{"instanceId":"i-0000000b","value":"AROAEXAMPLEID1234567:alice"}],\
            "skipped":[{"instanceId":"i-0000000d","reason":"CreatedBy is not a valid role session name ([\\\\w+=,.@-]{2,64}, ASCII only)"}]}
            """)
    }

    func testReconcileBatchesWritesByAThousand() throws {
        for index in 0..<2500 {
            let id = String(format: "i-%017x", index)
            ec2.instances[id] = TestData.instance(id, createdBy: index % 2 == 0 ? "alice" : "bob")
        }
        ec2.pageSize = 1000
        let result = try makeTagger().reconcile(deadline: deadline)
        XCTAssertEqual(result.tagged.count, 2500)
        let batches = ec2.writes.map { call -> (Int, String) in
            guard case .createTags(let ids, let tags, _) = call else { return (0, "") }
            return (ids.count, tags[0].value)
        }
        XCTAssertEqual(batches.map(\.0), [1000, 250, 1000, 250])
        XCTAssertEqual(batches.map(\.1), ["AROAEXAMPLEID1234567:alice", "AROAEXAMPLEID1234567:alice",
                                          "AROAEXAMPLEID1234567:bob", "AROAEXAMPLEID1234567:bob"])
        // A second sweep finds everything right.
        XCTAssertEqual(try makeTagger().reconcile(deadline: deadline).unchanged.count, 2500)
    }

    func testReconcileOfAnotherRegion() throws {
        _ = try makeTagger().reconcile(region: "ap-southeast-5", deadline: deadline)
        XCTAssertEqual(ec2Regions, ["ap-southeast-5"])
        XCTAssertThrowsError(try makeTagger().reconcile(region: "us-east-1.evil.com", deadline: deadline)) { error in
            XCTAssertEqual((error as? TaggerError)?.message, "region: 'us-east-1.evil.com' is not an AWS region name")
        }
        XCTAssertEqual(ec2Regions, ["ap-southeast-5"])
    }
}
