/// The event a central-mode function publishes, one per member account, on
/// its own bus when a scheduled sweep fans out; EventBridge hands each back to
/// the function as an invocation of its own, which sweeps that account.
///
///     {"source": "aws-userid-tagger", "detail-type": "Sweep Request", "detail": {"account": "111122223333"}, …}
package enum SweepRequest {
    /// A custom source (`aws.` is reserved for AWS's own events).
    package static let source = "aws-userid-tagger"
    package static let detailType = "Sweep Request"

    struct Detail: Decodable {
        var account: String
    }

    /// The `detail` of the request for `account`.
    package static func detail(account: String) -> String { "{\"account\":\"\(account)\"}" }
}
