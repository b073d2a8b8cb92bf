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
final class AssumeRoleSource: CredentialsSource {
    struct Settings: Equatable {
        var roleArn: String
        var sessionName: String
        var externalId: String?
        var durationSeconds: Int

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
    }

    let name: String
    let settings: Settings
    private let sts: any STSAPI

    init(settings: Settings, profile: Profile, sts: any STSAPI) {
        self.settings = settings
        self.name = "role \(settings.roleArn) of \(profile.origin)"
        self.sts = sts
    }

    func fetch(deadline: Date) throws(AWSError) -> Credentials {
        try sts.assumeRole(roleArn: settings.roleArn, sessionName: settings.sessionName, externalId: settings.externalId,
                           durationSeconds: settings.durationSeconds, deadline: deadline)
    }
}
