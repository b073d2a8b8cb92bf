import AWSQuery
import FoundationEssentials
import Primitives

/// An account of the organization, as ListAccounts gives it.
package struct OrganizationAccount: Sendable, Equatable {
    package var id: String
    /// `State` (`PENDING_ACTIVATION`, `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`,
    /// `CLOSED`); from an answer without it, the older `Status` (`ACTIVE`,
    /// `SUSPENDED`, `PENDING_CLOSURE`), which AWS retires on September 9,
    /// 2026 (AWS Organizations API Reference, "Account": both are returned
    /// until then, and `State` is the one to use). nil when neither is there.
    package var state: String?
    package var name: String?

    package init(id: String, state: String?, name: String? = nil) {
        self.id = id
        self.state = state
        self.name = name
    }

    /// `ACTIVE`: neither being activated, suspended, nor closing or closed.
    package var isActive: Bool { state == "ACTIVE" }
}

/// One page of ListAccounts.
package struct AccountsPage: Sendable, Equatable {
    package var accounts: [OrganizationAccount]
    /// nil on the last page only: a page may be empty while more follow.
    package var nextToken: String?

    package init(accounts: [OrganizationAccount], nextToken: String?) {
        self.accounts = accounts
        self.nextToken = nextToken
    }
}

/// What DescribeOrganization says of the organization the caller's account belongs to.
package struct OrganizationDescription: Sendable, Equatable {
    package var id: String
    /// `MasterAccountId`: the management account.
    package var managementAccountId: String

    package init(id: String, managementAccountId: String) {
        self.id = id
        self.managementAccountId = managementAccountId
    }
}

/// What the tagger needs of AWS Organizations; `OrganizationsClient` is the real one.
package protocol OrganizationsAPI: AnyObject {
    /// DescribeOrganization: callable from any account of the organization.
    func describeOrganization(deadline: Date) throws(AWSError) -> OrganizationDescription
    /// One page of ListAccounts: callable only from the management account or
    /// a delegated administrator member account.
    func listAccounts(nextToken: String?, deadline: Date) throws(AWSError) -> AccountsPage
}

extension OrganizationsAPI {
    /// Every account of the organization, page after page until `NextToken` is
    /// null. The API reference warns that a page can be empty while more
    /// follow, so only the token ends the listing; a token given twice would
    /// loop forever and is refused as an `invalidResponse`.
    package func allAccounts(deadline: Date) throws(AWSError) -> [OrganizationAccount] {
        var accounts: [OrganizationAccount] = []
        var token: String?
        var seen: Set<String> = []
        repeat {
            let page = try listAccounts(nextToken: token, deadline: deadline)
            accounts += page.accounts
            token = page.nextToken
            if let token, !seen.insert(token).inserted {
                throw AWSError(code: .invalidResponse, message: "ListAccounts gave the same NextToken twice",
                               operation: "organizations:ListAccounts")
            }
        } while token != nil
        return accounts
    }
}

/// AWS Organizations' JSON 1.1 API (target prefix `AWSOrganizationsV20161128`).
///
/// Request and answer shapes, errors and who may call: AWS Organizations API
/// Reference, ListAccounts
/// (https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html:
/// `MaxResults` 1 to 20, `NextToken`; "You can only call this operation from
/// the management account or a member account that is a delegated
/// administrator") and DescribeOrganization
/// (https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeOrganization.html:
/// "from any account in a organization"). Both name `AccessDeniedException`,
/// `AWSOrganizationsNotInUseException` (the caller's account is in no
/// organization), `ServiceException` and `TooManyRequestsException`; the
/// last is throttling and retried by `RetryPolicy`, as are 5xx answers.
package final class OrganizationsClient: OrganizationsAPI {
    package static let targetPrefix = "AWSOrganizationsV20161128"
    /// ListAccounts' largest page.
    package static let maxResults = 20
    private let client: JSONProtocolClient

    package init(client: JSONProtocolClient) { self.client = client }

    package func describeOrganization(deadline: Date) throws(AWSError) -> OrganizationDescription {
        let answer = try client.send(action: "DescribeOrganization", body: Array("{}".utf8), deadline: deadline,
                                     as: DescribeOrganizationAnswer.self)
        guard let organization = answer.organization, let id = organization.id, let management = organization.masterAccountId else {
            throw AWSError(code: .invalidResponse, message: "DescribeOrganization named no organization id or MasterAccountId",
                           operation: "organizations:DescribeOrganization")
        }
        return OrganizationDescription(id: id, managementAccountId: management)
    }

    package func listAccounts(nextToken: String?, deadline: Date) throws(AWSError) -> AccountsPage {
        let answer = try client.send(action: "ListAccounts", body: Array(Self.body(nextToken: nextToken).utf8), deadline: deadline,
                                     as: ListAccountsAnswer.self)
        var accounts: [OrganizationAccount] = []
        for account in answer.accounts ?? [] {
            guard let id = account.id else {
                throw AWSError(code: .invalidResponse, message: "ListAccounts gave an account without an Id",
                               operation: "organizations:ListAccounts")
            }
            accounts.append(OrganizationAccount(id: id, state: account.state ?? account.status, name: account.name))
        }
        // An empty token is no token: AWS sends null, some stand-ins "".
        return AccountsPage(accounts: accounts, nextToken: answer.nextToken.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// `{"MaxResults":20}`, with `"NextToken":…` after the first page.
    static func body(nextToken: String?) -> String {
        "{\"MaxResults\":\(maxResults)" + (nextToken.map { ",\"NextToken\":\(JSONText.quoted($0))" } ?? "") + "}"
    }

    private struct DescribeOrganizationAnswer: Decodable {
        struct Organization: Decodable {
            var id: String?
            var masterAccountId: String?
            enum CodingKeys: String, CodingKey { case id = "Id", masterAccountId = "MasterAccountId" }
        }
        var organization: Organization?
        enum CodingKeys: String, CodingKey { case organization = "Organization" }
    }

    private struct ListAccountsAnswer: Decodable {
        struct Account: Decodable {
            var id: String?
            var name: String?
            var state: String?
            var status: String?
            enum CodingKeys: String, CodingKey { case id = "Id", name = "Name", state = "State", status = "Status" }
        }
        var accounts: [Account]?
        var nextToken: String?
        enum CodingKeys: String, CodingKey { case accounts = "Accounts", nextToken = "NextToken" }
    }
}
