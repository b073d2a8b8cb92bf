import AWSQuery
import EventBridge
import Foundation
import Organizations
import Primitives
@testable import Tagger
import TestSupport
import XCTest

/// Central mode without ALLOWED_ACCOUNTS: a scheduled sweep fans out to every
/// active member account of the organization, read from AWS Organizations at
/// each sweep; the management account and accounts not ACTIVE get no request.
final class OrganizationFanOutTests: XCTestCase {
    private let clock = FakeClock()
    private var deadline: Date { clock.now.addingTimeInterval(60) }
    private let central = "999999999999"
    private let management = "100000000000"

    /// Organizations with scripted pages; every call recorded.
    final class FakeOrganizations: OrganizationsAPI {
        var pages: [AccountsPage]
        var managementAccountId: String
        var failure: AWSError?
        var calls: [String] = []

        init(pages: [AccountsPage], managementAccountId: String) {
            self.pages = pages
            self.managementAccountId = managementAccountId
        }

        func describeOrganization(deadline: Date) throws(AWSError) -> OrganizationDescription {
            calls.append("DescribeOrganization")
            if let failure { throw failure }
            return OrganizationDescription(id: "o-exampleorgid", managementAccountId: managementAccountId)
        }

        func listAccounts(nextToken: String?, deadline: Date) throws(AWSError) -> AccountsPage {
            calls.append("ListAccounts(\(nextToken ?? "-"))")
            if let failure { throw failure }
            let index = nextToken.map { Int($0.dropFirst("page-".count))! } ?? 0
            return pages[index]
        }
    }

    private func account(_ n: Int) -> String { String(format: "2100000%05d", n) }

    /// 45 member accounts in pages of 20, the management account among them,
    /// and one account of each state that is not ACTIVE.
    private func organization() -> (FakeOrganizations, active: [String]) {
        var everyone = [OrganizationAccount(id: management, state: "ACTIVE", name: "management")]
        everyone += (1...45).map { OrganizationAccount(id: account($0), state: "ACTIVE") }
        let inactive = ["PENDING_ACTIVATION", "SUSPENDED", "PENDING_CLOSURE", "CLOSED"].enumerated().map {
            OrganizationAccount(id: account(90 + $0.offset), state: $0.element)
        } + [OrganizationAccount(id: account(99), state: nil)]
        everyone.insert(contentsOf: inactive, at: 7)
        var pages: [AccountsPage] = []
        for start in stride(from: 0, to: everyone.count, by: 20) {
            let next = start + 20 < everyone.count ? "page-\(pages.count + 1)" : nil
            pages.append(AccountsPage(accounts: Array(everyone[start..<min(start + 20, everyone.count)]), nextToken: next))
        }
        return (FakeOrganizations(pages: pages, managementAccountId: management), (1...45).map(account))
    }

    private func configuration(allowed: [String] = []) -> TaggerConfiguration {
        TaggerConfiguration(roleName: TestData.roleName, region: "us-east-1", allowedAccounts: allowed,
                            central: CentralMode(memberRole: "aws-userid-tagger/member"), eventBus: "tagger-bus")
    }

    private func tagger(_ configuration: TaggerConfiguration, events: FanOutTests.FakeEventBridge,
                        organizations: @escaping () throws -> any OrganizationsAPI) -> TaggingService {
        TaggingService(configuration: configuration, clock: clock,
                       accounts: { _ in AccountClients(iam: { fatalError("no call in a member account") }, ec2: { _ in fatalError() }) },
                       eventBridge: { events }, organizations: organizations)
    }

    private func published(_ events: FanOutTests.FakeEventBridge) -> [String] {
        events.calls.flatMap { $0 }.map { String($0.detail.dropFirst(#"{"account":""#.count).prefix(12)) }
    }

    func testWithoutAllowedAccountsEveryActiveMemberAccountGetsOneRequest() throws {
        let (organizations, active) = organization()
        let events = FanOutTests.FakeEventBridge()
        let result = try tagger(configuration(), events: events, organizations: { organizations })
            .handle(event: TestData.sample("scheduled.json"), deadline: deadline)
        XCTAssertEqual(organizations.calls, ["DescribeOrganization", "ListAccounts(-)", "ListAccounts(page-1)", "ListAccounts(page-2)"])
        XCTAssertEqual(published(events), active, "in ListAccounts' order, without the management account or any account not ACTIVE")
        XCTAssertEqual(events.calls.map(\.count), [10, 10, 10, 10, 5])
        XCTAssertEqual(result.sweepRequests, 45)
    }

    func testEverySweepListsTheOrganizationAgainOnTheSameClient() throws {
        let (organizations, active) = organization()
        var made = 0
        let tagger = tagger(configuration(), events: FanOutTests.FakeEventBridge(), organizations: { made += 1; return organizations })
        for _ in 1...2 {
            XCTAssertEqual(try tagger.handle(event: TestData.sample("scheduled.json"), deadline: deadline).sweepRequests, active.count)
        }
        XCTAssertEqual(organizations.calls.filter { $0 == "DescribeOrganization" }.count, 2, "an account that joins is swept at the next sweep")
        XCTAssertEqual(made, 1)
    }

    func testWithAllowedAccountsOrganizationsIsNeverAsked() throws {
        let events = FanOutTests.FakeEventBridge()
        let allowed = [account(1), account(2)]
        let result = try tagger(configuration(allowed: allowed), events: events, organizations: { XCTFail("asked"); fatalError() })
            .handle(event: TestData.sample("scheduled.json"), deadline: deadline)
        XCTAssertEqual(published(events), allowed)
        XCTAssertEqual(result.sweepRequests, 2)
    }

    func testAnOrganizationOfOnlyItsManagementAccountPublishesNothing() throws {
        let organizations = FakeOrganizations(pages: [AccountsPage(accounts: [OrganizationAccount(id: management, state: "ACTIVE")], nextToken: nil)],
                                              managementAccountId: management)
        let events = FanOutTests.FakeEventBridge()
        let result = try tagger(configuration(), events: events, organizations: { organizations })
            .handle(event: TestData.sample("scheduled.json"), deadline: deadline)
        XCTAssertEqual(result.sweepRequests, 0)
        XCTAssertEqual(events.calls, [])
    }

    func testAnAccountIdThatIsNotTwelveDigitsIsRefusedBeforeAnythingIsPublished() {
        let organizations = FakeOrganizations(pages: [AccountsPage(accounts: [OrganizationAccount(id: account(1), state: "ACTIVE"),
                                                                              OrganizationAccount(id: "1234/../x", state: "ACTIVE")], nextToken: nil)],
                                              managementAccountId: management)
        let events = FanOutTests.FakeEventBridge()
        XCTAssertThrowsError(try tagger(configuration(), events: events, organizations: { organizations })
            .handle(event: TestData.sample("scheduled.json"), deadline: deadline)) {
            XCTAssertEqual(($0 as? TaggerError)?.errorType, "InvalidResponse")
        }
        XCTAssertEqual(events.calls, [])
    }

    /// The refusal over our real client and signer, in Organizations' own JSON error shape.
    private func realClient(answer status: Int, _ body: String) -> (ScriptedTransport, OrganizationsClient) {
        let transport = ScriptedTransport([.response(.json(status, body))])
        let client = OrganizationsClient(client: .scripted(host: "organizations.us-east-1.amazonaws.com", region: "us-east-1",
                                                           signingName: "organizations", targetPrefix: OrganizationsClient.targetPrefix,
                                                           transport: transport, clock: clock))
        return (transport, client)
    }

    func testARefusedCallSaysWhoMayListAccountsAndTheWayOut() throws {
        let denied = #"{"__type":"AccessDeniedException","Message":"You don't have permissions to access this resource."}"#
        let (transport, client) = realClient(answer: 400, denied)
        let events = FanOutTests.FakeEventBridge()
        XCTAssertThrowsError(try tagger(configuration(), events: events, organizations: { client })
            .handle(event: TestData.sample("scheduled.json"), deadline: deadline)) { error in
            let error = error as? TaggerError
            XCTAssertEqual(error?.errorType, "AccessDeniedException", "the code alarms and the failure queue see is AWS's")
            XCTAssertEqual(error?.kind, .aws)
            let message = error?.message ?? ""
            for words in ["organizations:DescribeOrganization: AccessDeniedException: with ALLOWED_ACCOUNTS empty",
                          "only its management account or a delegated administrator account may",
                          "organizations:ListAccounts and organizations:DescribeOrganization allowed to the function's role",
                          "or set ALLOWED_ACCOUNTS: You don't have permissions to access this resource."] {
                XCTAssertTrue(message.contains(words), message)
            }
        }
        XCTAssertEqual(transport.requests.count, 1, "refused is final")
        XCTAssertEqual(events.calls, [], "nothing is published")
    }

    func testAnAccountInNoOrganizationIsToldToSetAllowedAccounts() {
        let (_, client) = realClient(answer: 400, #"{"__type":"AWSOrganizationsNotInUseException","Message":"Your account is not a member of an organization."}"#)
        XCTAssertThrowsError(try tagger(configuration(), events: FanOutTests.FakeEventBridge(), organizations: { client })
            .handle(event: TestData.sample("scheduled.json"), deadline: deadline)) { error in
            let error = error as? TaggerError
            XCTAssertEqual(error?.errorType, "AWSOrganizationsNotInUseException")
            XCTAssertTrue(error?.message.contains("this account belongs to no organization; set ALLOWED_ACCOUNTS: Your account is not a member") ?? false,
                          error?.message ?? "")
        }
    }

    func testAnyForbiddenAnswerIsARefusal() {
        // What a local stand-in (moto) answers: a 403 in another protocol's shape.
        let forbidden = OrganizationAccounts.refusal(AWSError(code: .invalidResponse, message: "HTTP 403 without a readable AWS error body",
                                                              httpStatus: 403, operation: "organizations:DescribeOrganization"))
        XCTAssertTrue(forbidden.message.hasPrefix("with ALLOWED_ACCOUNTS empty, a sweep lists the organization's accounts, which only"),
                      forbidden.message)
        XCTAssertEqual(forbidden.code, .invalidResponse)
    }

    func testOtherFailuresKeepAWSsWords() {
        XCTAssertEqual(OrganizationAccounts.refusal(AWSError(code: .service("TooManyRequestsException"), message: "slow down")).message, "slow down")
        XCTAssertEqual(OrganizationAccounts.refusal(AWSError(code: .networkError, message: "reset")).message, "reset")
    }

    func testWithoutAllowedAccountsASweepRequestOfAnyAccountIsActedOnFromThisFunctionsAccountOnly() throws {
        let configuration = configuration()
        func action(account: String, publisher: String?, functionAccount: String? = "999999999999") throws -> EventAction {
            let envelope = publisher.map { #","account":"\#($0)""# } ?? ""
            let event = Data(#"{"version":"0","id":"1","detail-type":"Sweep Request","source":"aws-userid-tagger"\#(envelope),"detail":{"account":"\#(account)"}}"#.utf8)
            return try configuration.action(for: TaggerEvent.decode(event), functionAccount: functionAccount)
        }
        XCTAssertEqual(try action(account: account(7), publisher: central), .sweep(account: account(7)))
        guard case .ignore(let forged) = try action(account: account(7), publisher: account(8)) else { return XCTFail() }
        XCTAssertTrue(forged.contains("published by account '\(account(8))'"), forged)
        guard case .ignore = try action(account: account(7), publisher: nil) else { return XCTFail() }
        guard case .ignore(let local) = try action(account: account(7), publisher: central, functionAccount: nil) else { return XCTFail() }
        XCTAssertTrue(local.contains("outside Lambda"), local)
        XCTAssertThrowsError(try action(account: "12345", publisher: central)) {
            XCTAssertEqual(($0 as? TaggerError)?.errorType, "InvalidEvent")
        }
    }

    func testWithoutABusACentralSweepStillNeedsAllowedAccountsAndSaysWhy() {
        let configuration = TaggerConfiguration(roleName: TestData.roleName, region: "us-east-1",
                                                central: CentralMode(memberRole: "aws-userid-tagger/member"))
        let tagger = TaggingService(configuration: configuration, clock: clock, accounts: { _ in fatalError() })
        XCTAssertThrowsError(try tagger.reconcile(deadline: deadline)) {
            let error = $0 as? TaggerError
            XCTAssertEqual(error?.errorType, "InvalidConfiguration")
            XCTAssertTrue(error?.message.contains("ALLOWED_ACCOUNTS") ?? false)
            XCTAssertTrue(error?.message.contains("set TAGGER_EVENT_BUS to fan out to every account of the organization") ?? false,
                          error?.message ?? "")
        }
    }
}
