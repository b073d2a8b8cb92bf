import AWSQuery
import FoundationEssentials
import Primitives
import SigV4

/// A profile's `credential_process` (AWS SDKs and Tools Reference Guide,
/// "Process credential provider"): the command is split into words as the
/// AWS CLI splits it (`ShellWords`) and run without a shell; its standard
/// output must be one JSON object:
///
///     {"Version": 1, "AccessKeyId": "…", "SecretAccessKey": "…",
///      "SessionToken": "…", "Expiration": "2026-11-25T13:17:45Z"}
///
/// `Version` must be 1; `SessionToken` and `Expiration` are optional (without
/// `Expiration` the credentials are kept for good). Its standard error is
/// this program's: whatever the helper reports reaches the operator as is.
/// What it prints on standard output is never quoted in a message: it holds
/// the secret.
final class ProcessCredentialsSource: CredentialsSource {
    /// Credentials JSON is a few hundred bytes; anything past this is not an answer.
    static let outputLimit = 64 << 10

    let name: String
    let profileName: String
    private let arguments: [String]
    private let environment: [String: String]
    private let processes: ProcessRunning

    /// - Throws: when the command is empty or its quoting is broken.
    init(command: String, profile: Profile, environment: [String: String], processes: ProcessRunning) throws(ConfigurationError) {
        name = "credential_process of \(profile.origin)"
        profileName = profile.name
        do {
            arguments = try ShellWords.split(command)
        } catch {
            throw ConfigurationError(setting: "AWS_PROFILE", problem: "the credential_process of \(profile.origin) \(error)")
        }
        guard arguments.first?.isEmpty == false else {
            throw ConfigurationError(setting: "AWS_PROFILE", problem: "the credential_process of \(profile.origin) is empty")
        }
        self.environment = environment
        self.processes = processes
    }

    func fetch(deadline: Date) throws(AWSError) -> Credentials {
        switch processes.run(arguments, environment: environment, outputLimit: Self.outputLimit, deadline: deadline) {
        case .success(let output):
            return try Self.credentials(from: output, source: name)
        case .failure(.timedOut):
            throw AWSError(code: .deadlineExceeded, message: "\(name) \(ProcessRunError.timedOut)", operation: "credentials:process")
        case .failure(let error):
            throw AWSError(code: .invalidResponse, message: "\(name) \(error)", operation: "credentials:process")
        }
    }

    private struct Output: Decodable {
        var Version: Int?
        var AccessKeyId: String?
        var SecretAccessKey: String?
        var SessionToken: String?
        var Expiration: String?
    }

    /// Reads the JSON; the errors say what is wrong, never what was written.
    static func credentials(from output: [UInt8], source: String) throws(AWSError) -> Credentials {
        func refuse(_ problem: String) -> AWSError {
            AWSError(code: .invalidResponse, message: "\(source) \(problem)", operation: "credentials:process")
        }
        guard let answer = try? JSONDecoder().decode(Output.self, from: Data(output)) else {
            throw refuse("did not print a JSON object with Version, AccessKeyId and SecretAccessKey (strings, Version a number)")
        }
        guard let version = answer.Version else { throw refuse("printed no Version (it must be 1)") }
        guard version == 1 else { throw refuse("printed Version \(version): only Version 1 is understood") }
        guard let keyId = answer.AccessKeyId, !keyId.isEmpty else { throw refuse("printed no AccessKeyId") }
        guard let secret = answer.SecretAccessKey, !secret.isEmpty else { throw refuse("printed no SecretAccessKey") }
        var expiration: Date?
        if let text = answer.Expiration {
            guard let date = Timestamp.parse(text) else { throw refuse("printed an Expiration that is not an ISO 8601 timestamp") }
            expiration = date
        }
        let token = answer.SessionToken.flatMap { $0.isEmpty ? nil : $0 }
        return Credentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: token, expiration: expiration)
    }
}
