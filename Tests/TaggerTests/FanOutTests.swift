import AWSQuery
import EC2
import EventBridge
import Foundation
import IAM
import Primitives
import Synchronization
@testable import Tagger
import TestSupport
import XCTest

/// Central mode at organization scale: a scheduled sweep publishes one sweep
/// request per account; each request sweeps its account's regions at once.
final class FanOutTests: XCTestCase {
    private let clock = FakeClock()
    private var deadline: Date { clock.now.addingTimeInterval(60) }
    private let central = "999999999999"
    private let accounts = (1...25).map { String(format: "%012d", $0) }

    /// EventBridge that fails the entries scripted for an account, a given number of times.
    final class FakeEventBridge: EventBridgeAPI {
        var calls: [[EventEntry]] = []
        var failures: [String: [String]] = [:]  // account -> codes, consumed one per attempt
        var callFailure: AWSError?

        func putEvents(_ entries: [EventEntry], deadline: Date) throws(AWSError) -> [PublishOutcome] {
            calls.append(entries)
            if let callFailure { throw callFailure }
            return entries.map { entry in
                let account = String(entry.detail.dropFirst(#"{"account":""#.count).prefix(12))
                if var codes = failures[account], !codes.isEmpty {
                    let code = codes.removeFirst()
                    failures[account] = codes
                    return .failed(code: code, message: "scripted")
                }
                return .published(eventId: "event-\(account)")
            }
        }
    }

    private func configuration(bus: String? = "tagger-bus", regions: [String]? = nil) -> TaggerConfiguration {
        TaggerConfiguration(roleName: TestData.roleName, region: "us-east-1", reconcileRegions: regions, allowedAccounts: accounts,
                            central: CentralMode(memberRole: "aws-userid-tagger/member"), eventBus: bus)
    }

    private func tagger(_ configuration: TaggerConfiguration, events: FakeEventBridge, clock: any WallClock,
                        clients: @escaping (String) -> AccountClients = { _ in AccountClients(iam: { fatalError() }, ec2: { _ in fatalError() }) }) -> TaggingService {
        TaggingService(configuration: configuration, clock: clock, accounts: { clients($0!) }, eventBridge: { events })
    }

    private func scheduled() throws -> Data { try TestData.sample("scheduled.json") }

    private func sweepRequest(account: String, publisher: String?) -> Data {
        let envelope = publisher.map { #","account":"\#($0)""# } ?? ""
        return Data(#"{"version":"0","id":"1","detail-type":"Sweep Request","source":"aws-userid-tagger"\#(envelope),"detail":{"account":"\#(account)"}}"#.utf8)
    }

    // MARK: fan-out

    func testAScheduledSweepPublishesOneRequestPerAccountTenToACall() throws {
        let events = FakeEventBridge()
        let result = try tagger(configuration(), events: events, clock: clock).handle(event: scheduled(), deadline: deadline)
        XCTAssertEqual(events.calls.map(\.count), [10, 10, 5])
        XCTAssertEqual(events.calls.flatMap { $0 }.map(\.detail), accounts.map { #"{"account":"\#($0)"}"# })
        XCTAssertEqual(Set(events.calls.flatMap { $0 }.map(\.source)), ["aws-userid-tagger"])
        XCTAssertEqual(Set(events.calls.flatMap { $0 }.map(\.detailType)), ["Sweep Request"])
        XCTAssertEqual(Set(events.calls.flatMap { $0 }.map(\.eventBusName)), ["tagger-bus"])
        XCTAssertEqual(result.sweepRequests, 25)
        XCTAssertTrue(result.json.contains(#""sweepRequests":25"#), result.json)
    }

    func testADryRunPublishesNothingAndSaysHowManyItWould() throws {
        let events = FakeEventBridge()
        let result = try tagger(configuration(), events: events, clock: clock).handle(event: scheduled(), deadline: deadline, dryRun: true)
        XCTAssertEqual(events.calls.count, 0, "a published request would start a sweep that is not a dry run")
        XCTAssertEqual(result.sweepRequests, 25)
        XCTAssertEqual(result.summary, "dry run: would publish 25 sweep requests, one per account")
        XCTAssertTrue(result.json.contains(#""dryRun":true"#), result.json)
    }

    func testFailedEntriesArePublishedAgainThenReported() throws {
        let events = FakeEventBridge()
        events.failures = [accounts[3]: ["InternalFailure", "ThrottlingException"], accounts[12]: ["AccessDeniedException"]]
        XCTAssertThrowsError(try tagger(configuration(), events: events, clock: clock).handle(event: scheduled(), deadline: deadline)) { error in
            guard let error = error as? TaggerError, case .sweepRequestsUnpublished(let unpublished, let published) = error.reason else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(unpublished.map(\.account), [accounts[12]])
            XCTAssertEqual(published, 24)
            XCTAssertEqual(error.errorType, "AccessDeniedException")
            XCTAssertTrue(error.message.contains("account \(accounts[12]): AccessDeniedException"), error.message)
        }
        // Account 4 failed twice, for passing reasons, then went out.
        XCTAssertEqual(events.calls.map(\.count), [10, 1, 1, 10, 5])
        XCTAssertEqual(clock.sleeps, [0.2, 0.4])
    }

    func testACallThatFailsWholeStopsAndNamesEveryAccountLeft() {
        let events = FakeEventBridge()
        events.callFailure = AWSError(code: .service("AccessDeniedException"), message: "not authorized to perform: events:PutEvents")
        XCTAssertThrowsError(try tagger(configuration(), events: events, clock: clock).handle(event: scheduled(), deadline: deadline)) { error in
            guard case .sweepRequestsUnpublished(let unpublished, 0) = (error as? TaggerError)?.reason else { return XCTFail("\(error)") }
            XCTAssertEqual(unpublished.map(\.account), accounts)
        }
        XCTAssertEqual(events.calls.count, 1)
    }

    func testWithoutABusAScheduledSweepSweepsAsBefore() throws {
        XCTAssertEqual(try configuration(bus: nil).action(for: TaggerEvent.decode(scheduled())), .reconcile)
        XCTAssertEqual(try configuration().action(for: TaggerEvent.decode(scheduled())), .fanOut)
    }

    // MARK: sweep requests

    func testASweepRequestIsActedOnOnlyFromThisFunctionsOwnAccount() throws {
        let configuration = configuration()
        func action(_ data: Data, functionAccount: String? = "999999999999") throws -> EventAction {
            try configuration.action(for: TaggerEvent.decode(data), functionAccount: functionAccount)
        }
        XCTAssertEqual(try action(sweepRequest(account: accounts[0], publisher: central)), .sweep(account: accounts[0]))
        // A member account can put events on the central bus, but EventBridge writes its own account in the envelope.
        guard case .ignore(let forged) = try action(sweepRequest(account: accounts[0], publisher: accounts[1])) else { return XCTFail() }
        XCTAssertTrue(forged.contains("published by account '\(accounts[1])'"), forged)
        guard case .ignore(let missing) = try action(sweepRequest(account: accounts[0], publisher: nil)) else { return XCTFail() }
        XCTAssertTrue(missing.contains("'(none)'"), missing)
        guard case .ignore(let outside) = try action(sweepRequest(account: "123456789012", publisher: central)) else { return XCTFail() }
        XCTAssertEqual(outside, "account 123456789012 is not in ALLOWED_ACCOUNTS")
        guard case .ignore(let local) = try action(sweepRequest(account: accounts[0], publisher: central), functionAccount: nil) else { return XCTFail() }
        XCTAssertTrue(local.contains("outside Lambda"), local)
        XCTAssertThrowsError(try action(sweepRequest(account: "12345", publisher: central))) {
            XCTAssertEqual(($0 as? TaggerError)?.errorType, "InvalidEvent")
        }
        let notCentral = TaggerConfiguration(roleName: TestData.roleName, region: "us-east-1")
        guard case .ignore = try notCentral.action(for: TaggerEvent.decode(sweepRequest(account: accounts[0], publisher: central)),
                                                    functionAccount: central) else { return XCTFail() }
    }

    func testASweepRequestSweepsItsAccountsRegionsAtOnceEachOnItsOwnClient() throws {
        let regions = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1", "ap-south-1",
                       "ap-northeast-1", "sa-east-1", "ca-central-1", "ap-southeast-1", "ap-southeast-2", "eu-north-1", "eu-west-3",
                       "ap-northeast-2", "ap-northeast-3"]
        var perRegion: [String: FakeEC2] = [:]
        for (index, region) in regions.enumerated() {
            perRegion[region] = FakeEC2([TestData.instance(String(format: "i-%08x", index), createdBy: "user\(index)")])
        }
        // One region keeps being throttled: it fails alone.
        perRegion["eu-west-1"]?.failure = AWSError(code: .service("RequestLimitExceeded"), message: "Request limit exceeded.", httpStatus: 503)
        let iam = FakeIAM(role: Role(roleName: TestData.roleName, roleId: TestData.roleId, arn: "arn:aws:iam::1:role/x"))
        let sharedClientsMade = Mutex(0)
        let tagger = tagger(configuration(regions: regions), events: FakeEventBridge(), clock: SystemClock()) { _ in
            AccountClients(iam: { iam }, ec2: { _ in sharedClientsMade.withLock { $0 += 1 }; return FakeEC2() },
                           parallelEC2: { region in perRegion[region]! })
        }
        XCTAssertThrowsError(try tagger.handle(event: sweepRequest(account: accounts[0], publisher: central), deadline: Date().addingTimeInterval(30),
                                               functionAccount: central)) { error in
            guard let error = error as? TaggerError, case .sweepsFailed(let failures, total: 17) = error.reason else { return XCTFail("\(error)") }
            XCTAssertEqual(failures.count, 1)
            XCTAssertEqual(error.errorType, "RequestLimitExceeded")
            XCTAssertTrue(error.message.contains("eu-west-1: account 000000000001:"), error.message)
        }
        for region in regions where region != "eu-west-1" {
            XCTAssertEqual(perRegion[region]?.writes.count, 1, region)
        }
        XCTAssertEqual(sharedClientsMade.withLock { $0 }, 0, "regions swept at once never share the account's connection")
        XCTAssertEqual(iam.getRoleCalls.count, 1, "one GetRole for the account, before the regions")
    }
}
