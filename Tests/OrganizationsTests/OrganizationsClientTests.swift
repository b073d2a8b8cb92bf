import AWSQuery
import Foundation
import HTTP
@testable import Organizations
import TestSupport
import XCTest

/// ListAccounts and DescribeOrganization in the JSON 1.1 protocol, answered as
/// the AWS Organizations API Reference documents them ("Response Syntax",
/// "Errors"), over our real signer with only AWS's HTTP side scripted.
final class OrganizationsClientTests: XCTestCase {
    private let clock = FakeClock()

    private func client(_ transport: ScriptedTransport) -> OrganizationsClient {
        OrganizationsClient(client: .scripted(host: "organizations.us-east-1.amazonaws.com", region: "us-east-1", signingName: "organizations",
                                              targetPrefix: OrganizationsClient.targetPrefix, transport: transport, clock: clock))
    }

    private func json(_ status: Int, _ body: String) -> ScriptedTransport.Outcome {
        .response(.json(status, body))
    }

    /// An `Account` as ListAccounts gives it (both State and the older Status until AWS retires Status).
    private func account(_ id: String, state: String? = "ACTIVE", status: String? = "ACTIVE") -> String {
        var fields = [#""Id":"\#(id)""#, #""Arn":"arn:aws:organizations::111111111111:account/o-exampleorgid/\#(id)""#,
                      #""Email":"a\#(id)@example.org""#, #""Name":"account \#(id)""#, #""JoinedMethod":"CREATED""#,
                      #""JoinedTimestamp":1.764e9"#]
        if let state { fields.append(#""State":"\#(state)""#) }
        if let status { fields.append(#""Status":"\#(status)""#) }
        return "{" + fields.joined(separator: ",") + "}"
    }

    private func page(_ accounts: [String], next: String?) -> ScriptedTransport.Outcome {
        json(200, #"{"Accounts":[\#(accounts.joined(separator: ","))]"# + (next.map { #","NextToken":"\#($0)""# } ?? "") + "}")
    }

    private func body(_ request: HTTPRequest) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(request.body)) as! [String: Any]
    }

    func testListAccountsPagesUntilNextTokenIsNullEvenPastAnEmptyPage() throws {
        let transport = ScriptedTransport([
            page([account("111111111111"), account("222222222222", state: "SUSPENDED", status: "SUSPENDED")], next: "token-1"),
            // "These operations can occasionally return an empty set of results even when more results are available."
            page([], next: "token-2"),
            page([account("333333333333", state: "PENDING_ACTIVATION", status: nil)], next: nil),
        ])
        let accounts = try client(transport).allAccounts(deadline: clock.now + 10)
        XCTAssertEqual(accounts.map(\.id), ["111111111111", "222222222222", "333333333333"])
        XCTAssertEqual(accounts.map(\.state), ["ACTIVE", "SUSPENDED", "PENDING_ACTIVATION"])
        XCTAssertEqual(accounts.map(\.isActive), [true, false, false])
        XCTAssertEqual(accounts.first?.name, "account 111111111111")

        XCTAssertEqual(transport.requests.count, 3)
        let first = try XCTUnwrap(transport.requests.first)
        XCTAssertEqual(first.method, "POST")
        XCTAssertEqual(first.url, "https://organizations.us-east-1.amazonaws.com/")
        XCTAssertEqual(first.headers["X-Amz-Target"], "AWSOrganizationsV20161128.ListAccounts")
        XCTAssertEqual(first.headers["Content-Type"], "application/x-amz-json-1.1")
        XCTAssertTrue(first.headers["Authorization"]?.contains("/us-east-1/organizations/aws4_request") ?? false)
        XCTAssertEqual(try body(first) as NSDictionary, ["MaxResults": 20])
        XCTAssertEqual(try body(transport.requests[1]) as NSDictionary, ["MaxResults": 20, "NextToken": "token-1"])
        XCTAssertEqual(try body(transport.requests[2]) as NSDictionary, ["MaxResults": 20, "NextToken": "token-2"])
    }

    func testStateWinsOverStatusAndStatusServesAnswersWithoutState() throws {
        let transport = ScriptedTransport([page([
            account("111111111111", state: "CLOSED", status: "SUSPENDED"),
            account("222222222222", state: nil, status: "ACTIVE"),
            account("333333333333", state: "ACTIVE", status: nil),
            account("444444444444", state: nil, status: nil),
            account("555555555555", state: "PENDING_CLOSURE", status: "PENDING_CLOSURE"),
        ], next: nil)])
        let accounts = try client(transport).allAccounts(deadline: clock.now + 10)
        XCTAssertEqual(accounts.map(\.state), ["CLOSED", "ACTIVE", "ACTIVE", nil, "PENDING_CLOSURE"])
        XCTAssertEqual(accounts.filter(\.isActive).map(\.id), ["222222222222", "333333333333"])
    }

    func testANextTokenGivenTwiceIsRefusedNotFollowedForever() {
        let transport = ScriptedTransport([page([account("111111111111")], next: "again"), page([], next: "again")])
        XCTAssertThrowsError(try client(transport).allAccounts(deadline: clock.now + 10)) {
            XCTAssertEqual(($0 as? AWSError)?.code, .invalidResponse)
            XCTAssertEqual(($0 as? AWSError)?.operation, "organizations:ListAccounts")
        }
        XCTAssertEqual(transport.requests.count, 2)
    }

    func testDescribeOrganizationGivesTheManagementAccount() throws {
        let transport = ScriptedTransport([json(200, """
            {"Organization":{"Arn":"arn:aws:organizations::111111111111:organization/o-exampleorgid","AvailablePolicyTypes":[],
             "FeatureSet":"ALL","Id":"o-exampleorgid","MasterAccountArn":"arn:aws:organizations::111111111111:account/o-exampleorgid/111111111111",
             "MasterAccountEmail":"root@example.org","MasterAccountId":"111111111111"}}
            """)])
        XCTAssertEqual(try client(transport).describeOrganization(deadline: clock.now + 10),
                       OrganizationDescription(id: "o-exampleorgid", managementAccountId: "111111111111"))
        XCTAssertEqual(transport.requests.first?.headers["X-Amz-Target"], "AWSOrganizationsV20161128.DescribeOrganization")
        XCTAssertEqual(transport.requests.first.map { String(decoding: $0.body, as: UTF8.self) }, "{}")

        let incomplete = ScriptedTransport([json(200, #"{"Organization":{"Id":"o-exampleorgid"}}"#)])
        XCTAssertThrowsError(try client(incomplete).describeOrganization(deadline: clock.now + 10)) {
            XCTAssertEqual(($0 as? AWSError)?.code, .invalidResponse)
        }
    }

    func testRefusalsAreFinalAndThrottlingIsRetried() throws {
        // Organizations' own error codes, in its JSON error shape.
        for (code, message) in [
            ("AccessDeniedException", "You don't have permissions to access this resource."),
            ("AWSOrganizationsNotInUseException", "Your account is not a member of an organization."),
        ] {
            let transport = ScriptedTransport([json(400, #"{"__type":"\#(code)","Message":"\#(message)"}"#)])
            XCTAssertThrowsError(try client(transport).listAccounts(nextToken: nil, deadline: clock.now + 10)) {
                let error = $0 as? AWSError
                XCTAssertEqual(error?.code, .service(code))
                XCTAssertEqual(error?.message, message)
                XCTAssertEqual(error?.operation, "organizations:ListAccounts")
            }
            XCTAssertEqual(transport.requests.count, 1, "\(code) is final")
        }
        let throttled = ScriptedTransport([
            json(400, #"{"__type":"TooManyRequestsException","Message":"You have sent too many requests in too short a period of time.","Type":"AWSOrganizations"}"#),
            json(500, #"{"__type":"ServiceException","Message":"AWS Organizations can't complete your request because of an internal service error."}"#),
            page([account("111111111111")], next: nil),
        ])
        XCTAssertEqual(try client(throttled).listAccounts(nextToken: nil, deadline: clock.now + 10).accounts.map(\.id), ["111111111111"])
        XCTAssertEqual(throttled.requests.count, 3)
    }

    func testAnAccountWithoutAnIdOrAnAnswerThatIsNotJSONIsRefused() {
        for answer in [json(200, #"{"Accounts":[{"Name":"no id","State":"ACTIVE"}]}"#), json(200, "<html/>")] {
            XCTAssertThrowsError(try client(ScriptedTransport([answer])).listAccounts(nextToken: nil, deadline: clock.now + 10)) {
                XCTAssertEqual(($0 as? AWSError)?.code, .invalidResponse)
            }
        }
    }

    func testTheNextTokenIsSentAsJSONText() {
        XCTAssertEqual(OrganizationsClient.body(nextToken: nil), #"{"MaxResults":20}"#)
        XCTAssertEqual(OrganizationsClient.body(nextToken: #"a"b\c"#), #"{"MaxResults":20,"NextToken":"a\"b\\c"}"#)
    }
}
