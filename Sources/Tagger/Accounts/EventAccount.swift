import AWSQuery
import Primitives

/// Which account an event is acted on in, or why it is not.
enum AccountTarget: Equatable {
    /// nil: the function's own account; else a member account (central mode).
    case act(account: String?)
    case ignore(reason: String)
}

extension TaggerConfiguration {
    /// Applies `ALLOWED_ACCOUNTS` and, in central mode, picks the event's
    /// account. Without either setting every event is acted on where the
    /// function runs, as before.
    /// - Throws: `InvalidEvent` when the account would be used but is missing
    ///   (central mode) or is not 12 digits: it would become part of a role ARN.
    func target(of record: CloudTrailRecord, region eventRegion: String) throws(TaggerError) -> AccountTarget {
        guard central != nil || !allowedAccounts.isEmpty else { return .act(account: nil) }
        guard let account = record.account else {
            if central != nil {
                throw .invalidEvent("account: missing (central mode acts in the event's account: EventBridge's account, or the record's recipientAccountId)")
            }
            return .ignore(reason: "the event names no account and ALLOWED_ACCOUNTS is set")
        }
        guard AccountID.isValid(account) else {
            throw .invalidEvent("account: \(quoted(account)) is not an AWS account id (12 digits)")
        }
        if !allowedAccounts.isEmpty && !allowedAccounts.contains(account) {
            return .ignore(reason: "account \(account) is not in ALLOWED_ACCOUNTS")
        }
        guard central != nil else { return .act(account: nil) }
        guard let eventPartition = Partition(region: eventRegion), eventPartition == partition else {
            let other = Partition(region: eventRegion)?.rawValue ?? "no known"
            return .ignore(reason: "region \(eventRegion) is in the \(other) partition; this function acts in \(partition.rawValue)")
        }
        return .act(account: account)
    }
}
