import AWSQuery
import FoundationEssentials
import Primitives
import SigV4
import STS

/// A profile's `role_arn` (AWS SDKs and Tools Reference Guide, "Assume role
/// credential provider"), assumed through our own STS client with the
/// credentials of its `source_profile` or `credential_source`:
/// `external_id`, `role_session_name` (default `aws-userid-tagger-<unix
/// time>`) and `duration_seconds` (900 to 43200, default 3600, STS's own
/// default) are passed on. `mfa_serial` is refused: there is no one to type a code.
struct ProfileRole: Equatable {
    var roleArn: String
    var sessionName: String
    var externalId: String?
    var durationSeconds: Int
    var origin: String

    /// The role settings of `profile`, checked.
    init(profile: Profile, now: Date) throws(ConfigurationError) {
        func fail(_ problem: String) -> ConfigurationError {
            ConfigurationError(setting: "AWS_PROFILE", problem: "\(profile.origin): \(problem)")
        }
        guard let roleArn = profile.value("role_arn") else { throw fail("has no role_arn") }
        guard roleArn.hasPrefix("arn:"), roleArn.utf8.count <= 2048, roleArn.utf8.allSatisfy({ (0x21..<0x7F).contains($0) }) else {
            throw fail("role_arn is not an ARN")
        }
        if profile.has("mfa_serial") {
            throw fail("sets mfa_serial, and there is no one to type an MFA code here: run "
                + "`eval \"$(aws configure export-credentials --profile \(profile.name) --format env)\"` first "
                + "(the AWS CLI asks for the code), or use a profile without MFA")
        }
        self.roleArn = roleArn
        origin = profile.origin
        sessionName = profile.value("role_session_name") ?? "aws-userid-tagger-\(Int(now.timeIntervalSince1970))"
        externalId = profile.value("external_id")
        durationSeconds = 3600
        if let text = profile.value("duration_seconds") {
            guard let seconds = Int(text), (900...43_200).contains(seconds) else {
                throw fail("duration_seconds '\(text.prefix(16))' is not a whole number from 900 to 43200")
            }
            durationSeconds = seconds
        }
    }

    /// Assumes the role with the credentials `sts` signs with.
    func source(sts: any STSAPI) -> AssumedRoleSource {
        AssumedRoleSource(sts: sts, roleArn: roleArn, sessionName: sessionName, externalId: externalId,
                          durationSeconds: durationSeconds, name: "role \(roleArn) of \(origin)")
    }
}
