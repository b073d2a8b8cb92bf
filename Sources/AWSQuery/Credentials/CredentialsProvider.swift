import FoundationEssentials
import SigV4

/// Supplies the credentials to sign with. Static keys for the function's own
/// role; a refreshing provider for assumed roles.
package protocol CredentialsProvider: AnyObject {
    func credentials(deadline: Date) throws(AWSError) -> Credentials
}

/// Credentials that never change (environment, shared file).
package final class StaticCredentialsProvider: CredentialsProvider {
    private let value: Credentials
    package init(_ credentials: Credentials) { value = credentials }
    package func credentials(deadline: Date) throws(AWSError) -> Credentials { value }
}
