import EC2
import IAM

/// How the tagger reaches AWS in one account. The clients are made on first
/// need, once per account (IAM) and once per account and region (EC2).
package struct AccountClients {
    /// The role assumed to act there (central mode), for error messages; nil
    /// for the function's own account.
    package var memberRoleArn: String?
    package var iam: () throws -> any IAMAPI
    /// Makes the EC2 client of a region already checked to be a region name.
    package var ec2: (String) throws -> any EC2API
    /// Makes an EC2 client on a connection of its own, for a region swept
    /// while others are (made on the sweep's thread, used by it alone). nil:
    /// regions are swept one after another on `ec2`'s clients.
    package var parallelEC2: ((String) throws -> any EC2API)?

    package init(memberRoleArn: String? = nil, iam: @escaping () throws -> any IAMAPI, ec2: @escaping (String) throws -> any EC2API,
                 parallelEC2: ((String) throws -> any EC2API)? = nil) {
        self.memberRoleArn = memberRoleArn
        self.iam = iam
        self.ec2 = ec2
        self.parallelEC2 = parallelEC2
    }
}
