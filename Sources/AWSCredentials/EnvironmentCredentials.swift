import Primitives
import SigV4

/// The first source of every chain: `AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` (AWS SDKs and Tools
/// Reference Guide, "AWS access keys"), what Lambda sets. Reads nothing but
/// the environment it is given.
package enum EnvironmentCredentials {
    /// The environment's keys; nil when none of the three variables is set.
    /// - Throws: when only some are: a half-set environment is a mistake, not an absence.
    package static func read(_ environment: [String: String]) throws(ConfigurationError) -> Credentials? {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let accessKeyId = value("AWS_ACCESS_KEY_ID")
        let secretAccessKey = value("AWS_SECRET_ACCESS_KEY")
        let sessionToken = value("AWS_SESSION_TOKEN")
        switch (accessKeyId, secretAccessKey) {
        case let (accessKeyId?, secretAccessKey?):
            return Credentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: sessionToken)
        case (_?, nil):
            throw ConfigurationError(setting: "AWS_SECRET_ACCESS_KEY", problem: "not set (AWS_ACCESS_KEY_ID is)")
        case (nil, _?):
            throw ConfigurationError(setting: "AWS_ACCESS_KEY_ID", problem: "not set (AWS_SECRET_ACCESS_KEY is)")
        case (nil, nil):
            guard sessionToken == nil else {
                throw ConfigurationError(setting: "AWS_ACCESS_KEY_ID",
                                         problem: "not set, nor AWS_SECRET_ACCESS_KEY (AWS_SESSION_TOKEN is)")
            }
            return nil
        }
    }
}
