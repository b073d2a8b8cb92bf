/// The product's name and version, for `--version`.
package enum Product {
    package static let name = "aws-userid-tagger"
    package static let version = "0.1.0"
}
