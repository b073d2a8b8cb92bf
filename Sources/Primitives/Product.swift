/// The product's name and its one version string, for `--version` and the
/// User-Agent of every AWS call.
package enum Product {
    package static let name = "aws-userid-tagger"
    package static let version = "0.2.0"
    /// `aws-userid-tagger/0.2.0`
    package static let userAgent = "\(name)/\(version)"
}
