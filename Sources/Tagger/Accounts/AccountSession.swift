import AWSQuery
import EC2
import FoundationEssentials
import IAM
import Primitives

/// The tagger's state in one account for the life of the process: its EC2
/// client per region and the users' role id there.
final class AccountSession {
    /// nil: the function's own account.
    let account: String?
    let clients: AccountClients
    /// `ROLE_ID`: given, never fetched.
    let fixedRoleId: String?
    /// The id GetRole gave, and when.
    var roleId: (id: String, fetchedAt: Date)?
    /// When the tagger last used it, in lookups (see `TaggingService.maximumSessions`).
    var lastUse: UInt64 = 0
    private var ec2Clients: [String: any EC2API] = [:]

    init(account: String?, clients: AccountClients, fixedRoleId: String?) {
        self.account = account
        self.clients = clients
        self.fixedRoleId = fixedRoleId
    }

    func ec2(region: String) throws(TaggerError) -> any EC2API {
        if let client = ec2Clients[region] { return client }
        do {
            let client = try clients.ec2(region)
            ec2Clients[region] = client
            return client
        } catch {
            throw failure(error)
        }
    }

    /// An error of this account's clients as the invocation reports it. In a
    /// member account the message starts with the account and, when STS
    /// refused the member role, names that role: the operator must know
    /// which of many accounts lacks or distrusts it.
    func failure(_ error: any Error) -> TaggerError {
        let failure: TaggerError
        switch error {
        case var error as AWSError:
            if error.operation == "sts:AssumeRole", let role = clients.memberRoleArn {
                error.message = "cannot assume \(role) (deployed there, trusting this function's role?): \(error.message)"
            }
            failure = .aws(error)
        case let error as TaggerError: failure = error
        case let error as ConfigurationError: failure = .configuration(error)
        default: failure = .configuration(ConfigurationError(setting: "AWS client", problem: "cannot be made: \(error)"))
        }
        return account.map { failure.within("account \($0)") } ?? failure
    }
}
