/// A setting (an environment variable, a flag) that is missing or invalid, and
/// why: one line, naming the setting, never its secret value.
package struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    /// The setting at fault, e.g. `AWS_ENDPOINT_URL_EC2`.
    package var setting: String
    package var problem: String
    package init(setting: String, problem: String) { self.setting = setting; self.problem = problem }
    package var description: String { "\(setting): \(problem)" }
}
