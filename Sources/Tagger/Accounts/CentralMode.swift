import AWSQuery
import Primitives

/// Central mode: one function acts in many accounts of an organization by
/// assuming the member role (`TAGGER_MEMBER_ROLE`) in the account each event
/// comes from. Off unless `TAGGER_MEMBER_ROLE` is set.
package struct CentralMode: Sendable, Equatable {
    /// The member role's name, with its path if it has one (`aws-userid-tagger/member`).
    package var memberRole: String
    /// `TAGGER_EXTERNAL_ID`, sent with every AssumeRole when the member role's trust policy asks for it.
    package var externalId: String?
    /// The role session name: the function's name, so CloudTrail in the member
    /// account shows which function acted.
    package var sessionName: String

    package static let defaultSessionName = "aws-userid-tagger"

    package init(memberRole: String, externalId: String? = nil, sessionName: String = defaultSessionName) {
        self.memberRole = memberRole
        self.externalId = externalId
        self.sessionName = sessionName
    }

    /// `arn:<partition>:iam::<account>:role/<path/name>`; `account` must already be checked by `AccountID.isValid`.
    package func memberRoleArn(account: String, partition: Partition) -> String {
        "arn:\(partition.rawValue):iam::\(account):role/\(memberRole)"
    }

    /// Reads `TAGGER_MEMBER_ROLE`, `TAGGER_EXTERNAL_ID` and, for the session
    /// name, `AWS_LAMBDA_FUNCTION_NAME`; nil when `TAGGER_MEMBER_ROLE` is not set.
    /// - Throws: the setting at fault. The external id is never quoted: it is
    ///   the member roles' shared secret against the confused deputy.
    static func read(_ value: (String) -> String?) throws(ConfigurationError) -> CentralMode? {
        guard let role = value("TAGGER_MEMBER_ROLE") else {
            if value("TAGGER_EXTERNAL_ID") != nil {
                throw ConfigurationError(setting: "TAGGER_EXTERNAL_ID", problem: "set without TAGGER_MEMBER_ROLE, which turns central mode on")
            }
            return nil
        }
        guard isValidRolePath(role) else {
            throw ConfigurationError(setting: "TAGGER_MEMBER_ROLE",
                                     problem: "\(quoted(role)) is not a role name, optionally after a path (path/name; each part of A-Z a-z 0-9 _ + = , . @ -, no leading or trailing /)")
        }
        let externalId = value("TAGGER_EXTERNAL_ID")
        if let externalId, !isValidExternalId(externalId) {
            throw ConfigurationError(setting: "TAGGER_EXTERNAL_ID",
                                     problem: "not an external id (2 to 1224 of A-Z a-z 0-9 _ + = , . @ : / -); the value is not shown")
        }
        let functionName = value("AWS_LAMBDA_FUNCTION_NAME")
        let sessionName = functionName.flatMap { SessionName.isValid($0) ? $0 : nil } ?? defaultSessionName
        return CentralMode(memberRole: role, externalId: externalId, sessionName: sessionName)
    }

    /// `name` or `path/…/name`: IAM paths are at most 512 characters, names 64.
    static func isValidRolePath(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard let name = parts.last, RoleName.isValid(String(name)), text.utf8.count <= 512 + 64 else { return false }
        return parts.dropLast().allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy(IAMNameAlphabet.contains) }
    }

    /// STS `externalIdType`: `[\w+=,.@:\/-]{2,1224}`.
    static func isValidExternalId(_ text: String) -> Bool {
        (2...1224).contains(text.utf8.count)
            && text.utf8.allSatisfy { IAMNameAlphabet.contains($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "/") }
    }
}
