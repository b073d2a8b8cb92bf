import AWSQuery
import EC2
import Foundation
import IAM
import Primitives
@testable import Tagger
import TestSupport
import XCTest

/// The tagger in central mode over fake member accounts: each account has its
/// own users' role id, its own clients and its own failures.
final class CentralTaggerTests: XCTestCase {
    private let clock = FakeClock()
    private var deadline: Date { clock.now.addingTimeInterval(10) }
    private let accountA = "111111111111", accountB = "222222222222", accountC = "333333333333"
    private var iam: [String: FakeIAM] = [:]
    private var ec2: [String: FakeEC2] = [:]  // keyed "account/region"
    private var clientsMade: [String] = []

    override func setUp() {
        for (account, id) in [(accountA, "AROAAAAAAAAAAAAAAAAAA"), (accountB, "AROABBBBBBBBBBBBBBBBB"), (accountC, "AROACCCCCCCCCCCCCCCCC")] {
            iam[account] = FakeIAM(role: Role(roleName: TestData.roleName, roleId: id, arn: "arn:aws:iam::\(account):role/\(TestData.roleName)"))
        }
    }

    private func fakeEC2(_ account: String, _ region: String = "us-east-1") -> FakeEC2 {
        if let existing = ec2["\(account)/\(region)"] { return existing }
        let made = FakeEC2()
        ec2["\(account)/\(region)"] = made
        return made
    }

    private func makeTagger(allowed: [String] = [], regions: [String]? = nil) -> TaggingService {
        let configuration = TaggerConfiguration(roleName: TestData.roleName, region: "us-east-1", reconcileRegions: regions,
                                                allowedAccounts: allowed, central: CentralMode(memberRole: "aws-userid-tagger/member"))
        return TaggingService(configuration: configuration, clock: clock) { account in
            let account = account!
            self.clientsMade.append(account)
            return AccountClients(memberRoleArn: "arn:aws:iam::\(account):role/aws-userid-tagger/member",
                                  iam: { self.iam[account]! }, ec2: { region in self.fakeEC2(account, region) })
        }
    }

    private func launch(_ id: String, in account: String, by user: String) throws -> Data {
        fakeEC2(account).instances[id] = TestData.instance(id, createdBy: user)
        return try TestData.envelope(TestData.runInstances(ids: [id]), account: account)
    }

    func testEachAccountIsTaggedWithItsOwnUsersRoleAndAskedOnce() throws {
        let tagger = makeTagger()
        let a1 = try tagger.handle(event: launch("i-0000000000000000a", in: accountA, by: "alice"), deadline: deadline)
        let b1 = try tagger.handle(event: launch("i-0000000000000000b", in: accountB, by: "bob"), deadline: deadline)
        let a2 = try tagger.handle(event: launch("i-0000000000000001a", in: accountA, by: "carol"), deadline: deadline)
        XCTAssertEqual(a1.tagged, [TaggedInstance(instanceId: "i-0000000000000000a", value: "AROAAAAAAAAAAAAAAAAAA:alice")])
        XCTAssertEqual(b1.tagged, [TaggedInstance(instanceId: "i-0000000000000000b", value: "AROABBBBBBBBBBBBBBBBB:bob")])
        XCTAssertEqual(a2.tagged, [TaggedInstance(instanceId: "i-0000000000000001a", value: "AROAAAAAAAAAAAAAAAAAA:carol")])
        XCTAssertEqual(fakeEC2(accountA).instances["i-0000000000000000a"]?.tags["AwsUserId"], "AROAAAAAAAAAAAAAAAAAA:alice")
        XCTAssertNil(fakeEC2(accountB).instances["i-0000000000000000a"], "account B never saw A's instance")
        XCTAssertEqual(iam[accountA]!.getRoleCalls.count, 1, "GetRole once per account")
        XCTAssertEqual(iam[accountB]!.getRoleCalls.count, 1)
        XCTAssertEqual(clientsMade, [accountA, accountB], "one set of clients per account")
    }

    func testAWarmContainerKeepsTheSessionsOfTheAccountsItUsedLast() throws {
        let tagger = makeTagger()
        let many = (1...TaggingService.maximumSessions).map { String(format: "4%011d", $0) }
        for account in [accountA] + many {
            iam[account] = iam[account] ?? FakeIAM(role: Role(roleName: TestData.roleName, roleId: "AROAXXXXXXXXXXXXXXXXX",
                                                              arn: "arn:aws:iam::\(account):role/\(TestData.roleName)"))
            _ = try tagger.handle(event: launch("i-0000000000000000a", in: account, by: "alice"), deadline: deadline)
            if account == many[100] {  // A is used again: it is no longer the oldest
                _ = try tagger.handle(event: launch("i-0000000000000000a", in: accountA, by: "alice"), deadline: deadline)
            }
        }
        // 257 accounts: the least recently used (the first of `many`) was forgotten, A was not.
        clientsMade.removeAll()
        _ = try tagger.handle(event: launch("i-0000000000000000a", in: accountA, by: "alice"), deadline: deadline)
        XCTAssertEqual(clientsMade, [], "A was kept")
        _ = try tagger.handle(event: launch("i-0000000000000000a", in: many[0], by: "alice"), deadline: deadline)
        XCTAssertEqual(clientsMade, [many[0]], "the least recently used account starts a new session")
        XCTAssertEqual(iam[many[0]]!.getRoleCalls.count, 2)
    }

    func testAFailureNamesTheAccountAndTheRoleThatCouldNotBeAssumed() throws {
        iam[accountB]!.failure = AWSError(code: .service("AccessDenied"), message: "User: arn:aws:sts::123456789012:assumed-role/central/fn is not authorized to perform: sts:AssumeRole",
                                          httpStatus: 403, operation: "sts:AssumeRole")
        let tagger = makeTagger()
        XCTAssertThrowsError(try tagger.handle(event: launch("i-0000000000000000b", in: accountB, by: "bob"), deadline: deadline)) { error in
            let error = error as! TaggerError
            XCTAssertEqual(error.errorType, "AccessDenied")
            XCTAssertTrue(error.message.hasPrefix("account 222222222222: sts:AssumeRole: AccessDenied: cannot assume arn:aws:iam::222222222222:role/aws-userid-tagger/member"),
                          error.message)
        }
        // Account A is unaffected.
        XCTAssertEqual(try tagger.handle(event: launch("i-0000000000000000a", in: accountA, by: "alice"), deadline: deadline).tagged.count, 1)
    }

    func testReconcileSweepsEveryAllowedAccountAndRegionWithTheSameBatching() throws {
        let regions = ["us-east-1", "eu-west-1"]
        for account in [accountA, accountB, accountC] {
            for region in regions {
                for n in 0..<3 {
                    let id = "i-\(account.prefix(1))\(region == "us-east-1" ? "e" : "w")\(n)" + String(repeating: "0", count: 14)
                    fakeEC2(account, region).instances[id] = TestData.instance(id, createdBy: "user\(n)")
                }
            }
        }
        let result = try makeTagger(allowed: [accountA, accountB, accountC], regions: regions).reconcile(deadline: deadline)
        XCTAssertEqual(result.tagged.count, 18)
        for account in [accountA, accountB, accountC] {
            XCTAssertEqual(iam[account]!.getRoleCalls.count, 1)
            for region in regions {
                let calls = fakeEC2(account, region).calls
                XCTAssertEqual(calls.count, 4, "one paged describe and one write per value: \(calls)")
                guard case .describeFilters(_, let pageSize) = calls[0] else { return XCTFail("\(calls)") }
                XCTAssertEqual(pageSize, RegionSweep.pageSize)
                XCTAssertTrue(fakeEC2(account, region).instances.values.allSatisfy { $0.tags["AwsUserId"]?.hasPrefix(iam[account]!.role.roleId + ":") == true })
            }
        }
        XCTAssertEqual(clientsMade, [accountA, accountB, accountC])
    }

    func testReconcileGoesOnPastAFailingAccountThenReportsIt() throws {
        fakeEC2(accountA).instances["i-0000000000000000a"] = TestData.instance("i-0000000000000000a", createdBy: "alice")
        fakeEC2(accountC).instances["i-0000000000000000c"] = TestData.instance("i-0000000000000000c", createdBy: "carol")
        iam[accountB]!.failure = AWSError(code: .service("AccessDenied"), message: "denied", httpStatus: 403, operation: "sts:AssumeRole")
        XCTAssertThrowsError(try makeTagger(allowed: [accountA, accountB, accountC]).reconcile(deadline: deadline)) { error in
            let error = error as! TaggerError
            XCTAssertEqual(error.errorType, "AccessDenied")
            XCTAssertTrue(error.message.hasPrefix("1 of 3 sweeps failed, the others were done: account 222222222222: "), error.message)
        }
        XCTAssertNotNil(fakeEC2(accountA).instances["i-0000000000000000a"]?.tags["AwsUserId"])
        XCTAssertNotNil(fakeEC2(accountC).instances["i-0000000000000000c"]?.tags["AwsUserId"], "the account after the failing one was swept")
    }

    func testCentralReconcileNeedsTheAccountsToSweep() {
        XCTAssertThrowsError(try makeTagger().handle(event: TestData.sample("scheduled.json"), deadline: deadline)) { error in
            XCTAssertEqual((error as? TaggerError)?.errorType, "InvalidConfiguration")
            XCTAssertTrue((error as? TaggerError)?.message.hasPrefix("ALLOWED_ACCOUNTS: not set") ?? false, "\(error)")
        }
        XCTAssertTrue(clientsMade.isEmpty)
    }
}
