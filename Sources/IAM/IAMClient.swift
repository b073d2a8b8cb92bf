import AWSQuery
import FoundationEssentials
import XML

package struct Role: Sendable, Equatable {
    package var roleName: String
    package var roleId: String
    package var arn: String
    package init(roleName: String, roleId: String, arn: String) {
        self.roleName = roleName
        self.roleId = roleId
        self.arn = arn
    }
}

/// What the tagger needs of IAM; `IAMClient` is the real one.
package protocol IAMAPI: AnyObject {
    func getRole(name: String, deadline: Date) throws(AWSError) -> Role
}

/// IAM's Query API, version 2010-05-08.
package final class IAMClient: IAMAPI {
    package static let apiVersion = "2010-05-08"
    private let client: QueryClient

    package init(client: QueryClient) { self.client = client }

    package func getRole(name: String, deadline: Date) throws(AWSError) -> Role {
        let root = try client.send(action: "GetRole", parameters: [("RoleName", name)], deadline: deadline)
        guard let role = root.firstDescendant("Role"),
              let roleId = role.child("RoleId")?.text, !roleId.isEmpty,
              let arn = role.child("Arn")?.text, let roleName = role.child("RoleName")?.text
        else {
            throw AWSError(code: .invalidResponse, message: "GetRole response has no Role with RoleId, Arn and RoleName",
                           operation: "iam:GetRole")
        }
        return Role(roleName: roleName, roleId: roleId, arn: arn)
    }
}
