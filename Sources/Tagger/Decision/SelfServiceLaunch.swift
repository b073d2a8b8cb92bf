/// A self-service launch: the users' role itself called RunInstances, so the
/// caller owns the instance and its `principalId` already is its `${aws:userid}`.
package enum SelfServiceLaunch {
    /// The launcher's `principalId` when `identity` is a session of the users'
    /// role: named by `sessionIssuer.userName` or the session ARN
    /// (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`), or identified by
    /// `sessionIssuer.principalId` or a `principalId` starting with `roleId:`.
    /// The decision still checks that the id really starts with `roleId:`, so a
    /// same-named role of another account or an older incarnation is refused.
    package static func caller(of identity: UserIdentity?, roleName: String?, roleId: String) -> String? {
        guard let identity, identity.type == "AssumedRole", let principalId = identity.principalId else { return nil }
        let issuer = identity.sessionContext?.sessionIssuer
        let namesRole = roleName.map { name in issuer?.userName == name || assumedRoleName(in: identity.arn) == name } ?? false
        let carriesRoleId = issuer?.principalId == roleId || principalId.hasPrefix(roleId + ":")
        return namesRole || carriesRoleId ? principalId : nil
    }

    /// `ROLE` of `arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION`.
    static func assumedRoleName(in arn: String?) -> String? {
        guard let arn else { return nil }
        let fields = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0] == "arn", fields[2] == "sts" else { return nil }
        let resource = fields[5].split(separator: "/", omittingEmptySubsequences: false)
        guard resource.count == 3, resource[0] == "assumed-role" else { return nil }
        return String(resource[1])
    }
}
