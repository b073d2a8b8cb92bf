import AWSQuery
import Foundation
import Primitives
@testable import Tagger
import XCTest

/// Which account an event is acted on in: EventBridge's `account`, else the
/// record's `recipientAccountId`; limited by ALLOWED_ACCOUNTS.
final class CentralEventTests: XCTestCase {
    private let one = "i-0123456789abcdef0"
    private let central = CentralMode(memberRole: "aws-userid-tagger/member")

    private func configuration(central: Bool = true, allowed: [String] = [], region: String = "us-east-1") -> TaggerConfiguration {
        TaggerConfiguration(roleName: TestData.roleName, region: region, allowedAccounts: allowed, central: central ? self.central : nil)
    }

    /// A bare record, with `recipientAccountId` when given.
    private func record(account: String?, region: String = "us-east-1") -> Data {
        var object = try! JSONSerialization.jsonObject(with: TestData.runInstances(ids: [one], region: "\"\(region)\"")) as! [String: Any]
        object["recipientAccountId"] = account
        return try! JSONSerialization.data(withJSONObject: object)
    }

    private func action(_ data: Data, _ configuration: TaggerConfiguration) throws -> EventAction {
        try configuration.action(for: TaggerEvent.decode(data))
    }

    func testTheEnvelopesAccountIsActedOnInCentralMode() throws {
        let event = try TestData.envelope(record(account: "222222222222"), account: "111111111111")
        guard case .tag(let request) = try action(event, configuration()) else { return XCTFail("not a tag request") }
        XCTAssertEqual(request.account, "111111111111", "EventBridge's account wins over the record's")
        guard case .tag(let bare) = try action(record(account: "222222222222"), configuration()) else { return XCTFail("not a tag request") }
        XCTAssertEqual(bare.account, "222222222222")
    }

    func testWithoutCentralModeTheFunctionsOwnAccountIsUsed() throws {
        guard case .tag(let request) = try action(TestData.envelope(record(account: "111111111111")), configuration(central: false))
        else { return XCTFail("not a tag request") }
        XCTAssertNil(request.account)
    }

    func testAccountsOutsideAllowedAccountsAreIgnored() throws {
        let event = try TestData.envelope(record(account: "333333333333"))
        XCTAssertEqual(try action(event, configuration(allowed: ["111111111111", "222222222222"])),
                       .ignore(reason: "account 333333333333 is not in ALLOWED_ACCOUNTS"))
        XCTAssertEqual(try action(event, configuration(central: false, allowed: ["111111111111"])),
                       .ignore(reason: "account 333333333333 is not in ALLOWED_ACCOUNTS"), "the list applies without central mode too")
        XCTAssertEqual(try action(record(account: nil), configuration(central: false, allowed: ["111111111111"])),
                       .ignore(reason: "the event names no account and ALLOWED_ACCOUNTS is set"))
    }

    func testAnAccountThatWouldBreakTheRoleArnIsAnInvalidEvent() {
        for account in ["11111111111", "111111111111:role/admin", "../111111111", "", "１１１１１１１１１１１１"] {
            XCTAssertThrowsError(try action(record(account: account), configuration()), account) { error in
                XCTAssertEqual((error as? TaggerError)?.errorType, "InvalidEvent")
                XCTAssertTrue((error as? TaggerError)?.message.hasPrefix("account: ") ?? false, "\(error)")
            }
        }
        XCTAssertThrowsError(try action(record(account: nil), configuration())) { error in
            XCTAssertEqual((error as? TaggerError)?.message.hasPrefix("account: missing"), true, "\(error)")
        }
    }

    func testAnotherPartitionsRegionIsIgnored() throws {
        XCTAssertEqual(try action(record(account: "111111111111", region: "cn-north-1"), configuration()),
                       .ignore(reason: "region cn-north-1 is in the aws-cn partition; this function acts in aws"))
    }

    func testIgnoredEventsNeedNoAccount() throws {
        let failed = Data(#"{"eventSource":"ec2.amazonaws.com","eventName":"StopInstances","awsRegion":"us-east-1"}"#.utf8)
        XCTAssertEqual(try action(failed, configuration()), .ignore(reason: "event 'StopInstances' is not RunInstances, CreateTags or DeleteTags"))
    }
}
