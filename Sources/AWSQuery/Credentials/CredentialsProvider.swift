import FoundationEssentials
import SigV4

/// Supplies the credentials to sign with. Static keys for the function's own
/// role; a refreshing provider for assumed roles.
public protocol CredentialsProvider: AnyObject {
    func credentials(deadline: Date) throws(AWSError) -> Credentials
}

/// Credentials that never change (environment, shared file).
public final class StaticCredentialsProvider: CredentialsProvider {
    private let value: Credentials
    public init(_ credentials: Credentials) { value = credentials }
    public func credentials(deadline: Date) throws(AWSError) -> Credentials { value }
}
