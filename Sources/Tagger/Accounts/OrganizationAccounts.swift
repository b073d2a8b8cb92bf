import AWSQuery
import FoundationEssentials
import Organizations
import Primitives

/// Central mode without `ALLOWED_ACCOUNTS`: the accounts a scheduled sweep
/// fans out to are read from AWS Organizations at each sweep, so an
/// organization of any size is covered, and an account that joins or leaves
/// is swept, or no longer, from the next sweep on.
///
/// Every `ACTIVE` account but the management account: service-managed
/// StackSets never deploy to the management account, so it has no member
/// role, and an account being activated, suspended or closed has nothing
/// to sweep (or no member role yet). Both calls use the function's own
/// credentials: ListAccounts is allowed only to the management account or
/// a delegated administrator member account (AWS Organizations API
/// Reference, ListAccounts), DescribeOrganization to any account of the
/// organization.
final class OrganizationAccounts {
    private let makeClient: () throws -> any OrganizationsAPI
    private var client: (any OrganizationsAPI)?

    init(organizations: @escaping () throws -> any OrganizationsAPI) {
        makeClient = organizations
    }

    /// The accounts to sweep, in ListAccounts' order.
    /// - Throws: a refused call with what to do about it (see `refusal`), or
    ///   `invalidResponse` for an account id that is not 12 digits.
    func sweepTargets(deadline: Date) throws(TaggerError) -> [String] {
        let organizations = try organizationsClient()
        let management: String
        let accounts: [OrganizationAccount]
        do {
            management = try organizations.describeOrganization(deadline: deadline).managementAccountId
            accounts = try organizations.allAccounts(deadline: deadline)
        } catch {
            throw .aws(Self.refusal(error))
        }
        var targets: [String] = []
        for account in accounts where account.isActive && account.id != management {
            guard AccountID.isValid(account.id) else {
                throw .aws(AWSError(code: .invalidResponse, message: "ListAccounts gave \(quoted(account.id)) as an account id, not 12 digits",
                                    operation: "organizations:ListAccounts"))
            }
            if !targets.contains(account.id) { targets.append(account.id) }
        }
        return targets
    }

    /// A refused call keeps its code (the errorType alarms and the failure
    /// queue see) and says, before AWS's own words, why it was made and the
    /// two ways out. Refused: `AccessDeniedException`, or any answer with
    /// HTTP 403 (whatever shape its body has).
    static func refusal(_ error: AWSError) -> AWSError {
        var error = error
        let why: String
        if error.code == .service("AWSOrganizationsNotInUseException") {
            why = "with ALLOWED_ACCOUNTS empty, a sweep lists the organization's accounts, but this account belongs to no "
                + "organization; set ALLOWED_ACCOUNTS"
        } else if error.code == .service("AccessDeniedException") || error.httpStatus == 403 {
            why = "with ALLOWED_ACCOUNTS empty, a sweep lists the organization's accounts, which only its management account "
                + "or a delegated administrator account may do, with organizations:ListAccounts and "
                + "organizations:DescribeOrganization allowed to the function's role; run the function there, or set ALLOWED_ACCOUNTS"
        } else {
            return error
        }
        error.message = why + ": " + error.message
        return error
    }

    private func organizationsClient() throws(TaggerError) -> any OrganizationsAPI {
        if let client { return client }
        do {
            let made = try makeClient()
            client = made
            return made
        } catch let error as ConfigurationError {
            throw .configuration(error)
        } catch {
            throw .configuration(ConfigurationError(setting: "Organizations client", problem: "cannot be made: \(error)"))
        }
    }
}
