import AWSQuery
import Primitives

/// What one event asks the tagger to do once the configuration is applied.
package enum EventAction: Sendable, Equatable {
    /// Sweep the configured regions (of every allowed account, in central mode).
    case reconcile
    /// Central mode: publish one sweep request per allowed account (per
    /// account of the organization without `ALLOWED_ACCOUNTS`) instead of sweeping.
    case fanOut
    /// Central mode: sweep the configured regions of this one account.
    case sweep(account: String)
    case tag(TagRequest)
    /// Success without any AWS call.
    case ignore(reason: String)
}

/// Instances of one event to tag, in a region already checked to be a region name.
package struct TagRequest: Sendable, Equatable {
    package var region: String
    package var instanceIds: [String]
    package var origin: Origin
    /// The member account to act in (central mode), checked to be 12 digits;
    /// nil for the function's own account.
    package var account: String? = nil

    package enum Origin: Sendable, Equatable {
        /// RunInstances, and who called it, for spotting a self-service launch.
        case launch(launcher: UserIdentity?)
        /// CreateTags or DeleteTags of the source tag on existing instances.
        case tagChange
    }
}

extension TaggerConfiguration {
    /// Applies `TRUSTED_LAUNCHERS` and the source tag key to a decoded event.
    /// - Throws: `InvalidEvent` when an event we would act on has an `awsRegion`
    ///   that is not a region name (it would become a host name). Ignored events
    ///   are not checked: their region is never used.
    /// - Parameter functionAccount: the account the function runs in (from
    ///   the invoked function's ARN); a sweep request is acted on only when
    ///   this same account published it.
    package func action(for event: TaggerEvent, functionAccount: String? = nil) throws(TaggerError) -> EventAction {
        let record: CloudTrailRecord
        switch event {
        case .scheduled: return central != nil && eventBus != nil ? .fanOut : .reconcile
        case .sweepRequest(let account, let publisher): return try sweepAction(account: account, publisher: publisher, functionAccount: functionAccount)
        case .ignored(let reason): return .ignore(reason: reason)
        case .apiCall(let apiCall): record = apiCall
        }

        let instanceIds: [String]
        let origin: TagRequest.Origin
        switch record.call {
        case .unsupported(let reason):
            return .ignore(reason: reason)
        case .runInstances(let ids):
            instanceIds = ids
            origin = .launch(launcher: record.userIdentity)
        case .createTags(let ids, let keys):
            guard keys.contains(tagKeys.source) else {
                return .ignore(reason: "CreateTags does not set \(tagKeys.source)")
            }
            instanceIds = ids
            origin = .tagChange
        case .deleteTags(let ids, let keys):
            if let keys, !keys.contains(tagKeys.source) {
                return .ignore(reason: "DeleteTags does not remove \(tagKeys.source)")
            }
            instanceIds = ids
            origin = .tagChange
        }
        if let untrusted = untrustedLauncherReason(record.userIdentity) {
            return .ignore(reason: untrusted)
        }
        guard !instanceIds.isEmpty else {
            return .ignore(reason: "no instance ids in the \(record.eventName) event")
        }
        let eventRegion = record.awsRegion ?? region
        guard Region.isValid(eventRegion) else {
            throw .invalidEvent("awsRegion: \(quoted(eventRegion)) is not an AWS region name")
        }
        switch try target(of: record, region: eventRegion) {
        case .ignore(let reason):
            return .ignore(reason: reason)
        case .act(let account):
            return .tag(TagRequest(region: eventRegion, instanceIds: instanceIds, origin: origin, account: account))
        }
    }

    /// A sweep request is acted on only in central mode, for an allowed
    /// account (any account when `ALLOWED_ACCOUNTS` is empty: the fan-out
    /// then publishes one per account of the organization, and the member
    /// role can be assumed only inside it), and when EventBridge says this
    /// function's own account published it: member accounts may put events on
    /// the central bus, but EventBridge writes their account, not this one, in
    /// the envelope.
    func sweepAction(account: String, publisher: String?, functionAccount: String?) throws(TaggerError) -> EventAction {
        guard central != nil else { return .ignore(reason: "a sweep request, but this function is not in central mode") }
        guard AccountID.isValid(account) else {
            throw .invalidEvent("detail.account: \(quoted(account)) is not an AWS account id (12 digits)")
        }
        if !allowedAccounts.isEmpty && !allowedAccounts.contains(account) {
            return .ignore(reason: "account \(account) is not in ALLOWED_ACCOUNTS")
        }
        guard let functionAccount else {
            return .ignore(reason: "a sweep request, but this function's own account is unknown (it runs outside Lambda)")
        }
        guard publisher == functionAccount else {
            return .ignore(reason: "a sweep request published by account \(quoted(publisher ?? "(none)")), not by this function's \(functionAccount)")
        }
        return .sweep(account: account)
    }

    /// With `TRUSTED_LAUNCHERS` set, a pattern must match the caller's
    /// `userIdentity.arn`; for an assumed-role session it may instead match the
    /// role's own ARN (`sessionContext.sessionIssuer.arn`, path included), so
    /// `arn:aws:iam::111122223333:role/LaunchConstraint` trusts every session of it.
    /// Both fields are written by CloudTrail, not by the caller.
    func untrustedLauncherReason(_ identity: UserIdentity?) -> String? {
        guard !trustedLaunchers.isEmpty else { return nil }
        var arns: [String] = []
        if let arn = identity?.arn { arns.append(arn) }
        if identity?.type == "AssumedRole", let roleArn = identity?.sessionContext?.sessionIssuer?.arn { arns.append(roleArn) }
        guard let shown = arns.first else { return "the launcher has no ARN and TRUSTED_LAUNCHERS is set" }
        if trustedLaunchers.contains(where: { pattern in arns.contains(where: pattern.matches) }) { return nil }
        return "launcher \(quoted(shown, limit: 256)) is not in TRUSTED_LAUNCHERS"
    }
}
