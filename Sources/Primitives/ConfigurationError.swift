/// A setting (an environment variable, a flag) that is missing or invalid, and
/// why: one line, naming the setting, never its secret value.
public struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    /// The setting at fault, e.g. `AWS_ENDPOINT_URL_EC2`.
    public var setting: String
    public var problem: String
    public init(setting: String, problem: String) { self.setting = setting; self.problem = problem }
    public var description: String { "\(setting): \(problem)" }
}
