import AWSQuery
import FoundationEssentials
import Primitives

/// The tagger's settings, read once from the environment (Lambda convention)
/// and validated up front so a bad value fails the init, not an invocation.
package struct TaggerConfiguration: Sendable, Equatable {
    /// The users' role (`ROLE_NAME`); nil when only `ROLE_ID` is given.
    package var roleName: String?
    /// `ROLE_ID`: when set, GetRole is never called.
    package var roleId: String?
    /// `SOURCE_TAG_KEY`, `TARGET_TAG_KEY`, `LAUNCHED_BY_TAG_KEY`.
    package var tagKeys: TagKeys
    /// Empty: every launcher is trusted.
    package var trustedLaunchers: [ARNPattern]
    /// `AWS_REGION`: the region of a record without `awsRegion`, of the STS
    /// endpoint in central mode, and whose partition every ARN is built in.
    package var region: String
    /// `RECONCILE_REGIONS`: the regions a sweep covers (default: `region`), all in `region`'s partition.
    package var reconcileRegions: [String]
    /// `ALLOWED_ACCOUNTS`: events of other accounts are ignored; in central
    /// mode also the accounts a sweep covers. Empty: no limit, and a central
    /// fan-out covers every active member account of the organization.
    package var allowedAccounts: [String]
    /// Set by `TAGGER_MEMBER_ROLE`: act in each event's account through its member role.
    package var central: CentralMode?
    /// `METRICS_NAMESPACE` and `AWS_LAMBDA_FUNCTION_NAME`: where each invocation's metrics go.
    package var metrics: InvocationMetrics
    /// `TAGGER_EVENT_BUS`, central mode: the bus (name or ARN) a scheduled
    /// sweep publishes one sweep request per account to, instead of sweeping.
    package var eventBus: String?
    /// `SWEEP_CONCURRENCY`: how many regions of one account are swept at once,
    /// each on a connection of its own.
    package var sweepConcurrency: Int

    package static let defaultSweepConcurrency = 8
    package static let sweepConcurrencyRange = 1...32

    /// The partition of `region`: the one of every ARN the tagger builds.
    package var partition: Partition { Partition(region: region) ?? .aws }

    package init(roleName: String?, roleId: String? = nil, tagKeys: TagKeys = .defaults, trustedLaunchers: [ARNPattern] = [], region: String,
                reconcileRegions: [String]? = nil, allowedAccounts: [String] = [], central: CentralMode? = nil,
                metrics: InvocationMetrics = InvocationMetrics(functionName: InvocationMetrics.defaultNamespace),
                eventBus: String? = nil, sweepConcurrency: Int = defaultSweepConcurrency) {
        self.roleName = roleName
        self.roleId = roleId
        self.tagKeys = tagKeys
        self.trustedLaunchers = trustedLaunchers
        self.region = region
        self.reconcileRegions = reconcileRegions ?? [region]
        self.allowedAccounts = allowedAccounts
        self.central = central
        self.metrics = metrics
        self.eventBus = eventBus
        self.sweepConcurrency = sweepConcurrency
    }

    /// Reads `ROLE_NAME`, `ROLE_ID`, `SOURCE_TAG_KEY`, `TARGET_TAG_KEY`,
    /// `LAUNCHED_BY_TAG_KEY`, `TRUSTED_LAUNCHERS`, `AWS_REGION` (else `AWS_DEFAULT_REGION`, else the profile's),
    /// `RECONCILE_REGIONS`, `ALLOWED_ACCOUNTS` and central mode's `TAGGER_MEMBER_ROLE`,
    /// `TAGGER_EXTERNAL_ID`, `TAGGER_EVENT_BUS`, `SWEEP_CONCURRENCY`, `METRICS_NAMESPACE`
    /// and `AWS_LAMBDA_FUNCTION_NAME`.
    /// - Parameter profileRegion: the region of the shared config profile and
    ///   where it was read, asked only when neither `AWS_REGION` nor
    ///   `AWS_DEFAULT_REGION` is set (never under Lambda, which sets `AWS_REGION`).
    /// - Throws: the first invalid setting, named, with what is wrong in one line.
    package init(environment: [String: String],
                 profileRegion: () throws(ConfigurationError) -> (region: String, origin: String)? = { nil }) throws(ConfigurationError) {
        func value(_ name: String) -> String? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            return text
        }
        let roleName = value("ROLE_NAME")
        let roleId = value("ROLE_ID")
        if let roleName, !RoleName.isValid(roleName) {
            throw ConfigurationError(setting: "ROLE_NAME", problem: "\(quoted(roleName)) is not an IAM role name (1 to 64 of A-Z a-z 0-9 _ + = , . @ -)")
        }
        if let roleId, !RoleID.isValid(roleId) {
            throw ConfigurationError(setting: "ROLE_ID", problem: "\(quoted(roleId)) is not a role id (AROA then upper-case letters and digits, 16 to 128 characters)")
        }
        if roleName == nil && roleId == nil {
            throw ConfigurationError(setting: "ROLE_NAME", problem: "not set (set ROLE_NAME, or ROLE_ID to skip GetRole)")
        }

        let tagKeys = try Self.readTagKeys(value)
        var launchers: [ARNPattern] = []
        if let list = value("TRUSTED_LAUNCHERS") {
            for entry in list.split(separator: ",", omittingEmptySubsequences: false) {
                let text = String(entry.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
                guard let pattern = ARNPattern(text) else {
                    throw ConfigurationError(setting: "TRUSTED_LAUNCHERS",
                                             problem: text.isEmpty ? "has an empty entry" : "\(quoted(text)) is not an ARN pattern (arn:… with * wildcards, at most 2048 characters)")
                }
                launchers.append(pattern)
            }
        }

        let region: String
        if let fromEnvironment = value("AWS_REGION") ?? value("AWS_DEFAULT_REGION") {
            guard Region.isValid(fromEnvironment) else {
                throw ConfigurationError(setting: environment["AWS_REGION"]?.isEmpty == false ? "AWS_REGION" : "AWS_DEFAULT_REGION",
                                         problem: Region.problem(fromEnvironment))
            }
            region = fromEnvironment
        } else if let (fromProfile, origin) = try profileRegion() {
            guard Region.isValid(fromProfile) else { throw ConfigurationError(setting: "AWS_REGION", problem: "not set, and the \(origin): \(Region.problem(fromProfile))") }
            region = fromProfile
        } else {
            throw ConfigurationError(setting: "AWS_REGION", problem: "not set, nor AWS_DEFAULT_REGION, nor a region in the shared config profile")
        }
        let reconcileRegions = try Self.readRegions(value("RECONCILE_REGIONS"), partitionOf: region)
        let allowedAccounts = try Self.readAccounts(value("ALLOWED_ACCOUNTS"))
        let central = try CentralMode.read(value)
        let namespace = value("METRICS_NAMESPACE") ?? InvocationMetrics.defaultNamespace
        guard InvocationMetrics.isValidNamespace(namespace) else {
            throw ConfigurationError(setting: "METRICS_NAMESPACE",
                                     problem: "\(quoted(namespace)) is not a CloudWatch namespace (1 to 255 of A-Z a-z 0-9 . - _ / # :, not AWS/…)")
        }
        let metrics = InvocationMetrics(namespace: namespace, functionName: value("AWS_LAMBDA_FUNCTION_NAME") ?? InvocationMetrics.defaultNamespace)
        let eventBus = value("TAGGER_EVENT_BUS")
        if let eventBus {
            guard central != nil else {
                throw ConfigurationError(setting: "TAGGER_EVENT_BUS", problem: "set without TAGGER_MEMBER_ROLE: only central mode fans out")
            }
            guard eventBus.utf8.count <= 1600, eventBus.utf8.allSatisfy({ (0x21..<0x7F).contains($0) }) else {
                throw ConfigurationError(setting: "TAGGER_EVENT_BUS", problem: "\(quoted(eventBus)) is not an event bus name or ARN")
            }
        }
        var sweepConcurrency = Self.defaultSweepConcurrency
        if let text = value("SWEEP_CONCURRENCY") {
            guard let number = Int(text), Self.sweepConcurrencyRange.contains(number) else {
                throw ConfigurationError(setting: "SWEEP_CONCURRENCY",
                                         problem: "\(quoted(text)) is not a whole number from \(Self.sweepConcurrencyRange.lowerBound) to \(Self.sweepConcurrencyRange.upperBound)")
            }
            sweepConcurrency = number
        }
        if central != nil, roleId != nil {
            throw ConfigurationError(setting: "ROLE_ID", problem: "cannot be used with TAGGER_MEMBER_ROLE: the users' role has another id in every account (set ROLE_NAME)")
        }
        self.init(roleName: roleName, roleId: roleId, tagKeys: tagKeys, trustedLaunchers: launchers, region: region, reconcileRegions: reconcileRegions,
                  allowedAccounts: allowedAccounts, central: central, metrics: metrics, eventBus: eventBus,
                  sweepConcurrency: sweepConcurrency)
    }

    /// `RECONCILE_REGIONS`: region names of `region`'s partition (one set of
    /// credentials cannot cross partitions); nil when not set.
    private static func readRegions(_ text: String?, partitionOf region: String) throws(ConfigurationError) -> [String]? {
        guard let text else { return nil }
        guard let entries = CommaList.entries(text) else {
            throw ConfigurationError(setting: "RECONCILE_REGIONS", problem: "has an empty entry")
        }
        let partition = Partition(region: region)
        for entry in entries {
            guard let entryPartition = Partition(region: entry) else {
                throw ConfigurationError(setting: "RECONCILE_REGIONS", problem: Region.problem(entry))
            }
            guard entryPartition == partition else {
                throw ConfigurationError(setting: "RECONCILE_REGIONS",
                                         problem: "\(quoted(entry)) is not in the \(partition.map(\.rawValue) ?? "?") partition of \(region)")
            }
        }
        return entries.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }

    /// `ALLOWED_ACCOUNTS`: 12-digit account ids, repeats dropped.
    private static func readAccounts(_ text: String?) throws(ConfigurationError) -> [String] {
        guard let text else { return [] }
        guard let entries = CommaList.entries(text) else {
            throw ConfigurationError(setting: "ALLOWED_ACCOUNTS", problem: "has an empty entry")
        }
        if let bad = entries.first(where: { !AccountID.isValid($0) }) {
            throw ConfigurationError(setting: "ALLOWED_ACCOUNTS", problem: "\(quoted(bad)) is not an AWS account id (12 digits)")
        }
        return entries.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }

    /// The three tag keys: valid, the two the function writes outside AWS's
    /// reserved `aws:` prefix, and all different ignoring case (the guard
    /// matches them ignoring case, and one key cannot play two parts).
    private static func readTagKeys(_ value: (String) -> String?) throws(ConfigurationError) -> TagKeys {
        let defaults = TagKeys.defaults
        let keys = TagKeys(source: value("SOURCE_TAG_KEY") ?? defaults.source, target: value("TARGET_TAG_KEY") ?? defaults.target,
                           launchedBy: value("LAUNCHED_BY_TAG_KEY") ?? defaults.launchedBy)
        let settings = [("SOURCE_TAG_KEY", keys.source), ("TARGET_TAG_KEY", keys.target), ("LAUNCHED_BY_TAG_KEY", keys.launchedBy)]
        for (setting, key) in settings {
            try validateTagKey(key, setting: setting)
        }
        for (setting, key) in settings.dropFirst() where key.lowercased().hasPrefix("aws:") {
            // AWS reserves the prefix in any letter case.
            throw ConfigurationError(setting: setting, problem: "\(quoted(key)) uses the reserved aws: prefix")
        }
        for (index, (setting, key)) in settings.enumerated() {
            if let (other, _) = settings[..<index].first(where: { $0.1.lowercased() == key.lowercased() }) {
                throw ConfigurationError(setting: setting, problem: "must differ from \(other) (both are \(quoted(key)), ignoring case)")
            }
        }
        return keys
    }

    /// EC2 tag keys: 1 to 128 characters; control characters are refused as typos.
    private static func validateTagKey(_ key: String, setting: String) throws(ConfigurationError) {
        guard key.count <= 128, !key.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ConfigurationError(setting: setting, problem: "\(quoted(key)) is not a tag key (1 to 128 printable characters)")
        }
    }
}
