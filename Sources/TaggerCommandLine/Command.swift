/// What the command line asks for. Parsed by hand: three forms and two
/// flags do not earn a dependency, and every millisecond of start-up counts.
package enum Command: Equatable {
    /// No arguments: the Lambda Runtime API loop.
    case lambda
    case invoke(eventPath: String, dryRun: Bool, timeout: Double)
    case reconcile(region: String?, dryRun: Bool, timeout: Double)
    case help
    case version

    package static let defaultInvokeTimeout = 30.0
    package static let defaultReconcileTimeout = 300.0

    package struct UsageError: Error, CustomStringConvertible {
        package var description: String
    }

    package static func parse(_ arguments: [String]) throws(UsageError) -> Command {
        guard let verb = arguments.first else { return .lambda }
        var rest = arguments.dropFirst()
        var eventPath: String?
        var region: String?
        var dryRun = false
        var timeout: Double?

        func value(after flag: String) throws(UsageError) -> String {
            guard let next = rest.popFirst() else { throw UsageError(description: "\(flag) needs a value") }
            return next
        }
        switch verb {
        case "-h", "--help", "help": return .help
        case "--version": return .version
        case "invoke", "reconcile": break
        default: throw UsageError(description: "unknown command '\(verb.prefix(64))'")
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--event" where verb == "invoke": eventPath = try value(after: argument)
            case "--region" where verb == "reconcile": region = try value(after: argument)
            case "--dry-run": dryRun = true
            case "--timeout":
                let text = try value(after: argument)
                guard let seconds = Double(text), seconds > 0, seconds <= 900 else {
                    throw UsageError(description: "--timeout takes seconds from 0 to 900, not '\(text.prefix(32))'")
                }
                timeout = seconds
            case "-h", "--help": return .help
            default: throw UsageError(description: "unknown option '\(argument.prefix(64))' for \(verb)")
            }
        }
        if verb == "invoke" {
            guard let eventPath else { throw UsageError(description: "invoke needs --event FILE (or --event - for standard input)") }
            return .invoke(eventPath: eventPath, dryRun: dryRun, timeout: timeout ?? defaultInvokeTimeout)
        }
        return .reconcile(region: region, dryRun: dryRun, timeout: timeout ?? defaultReconcileTimeout)
    }

    package static let usage = """
    aws-userid-tagger: tags each EC2 instance with AwsUserId = <RoleId>:<username>, the value
    IAM's ${aws:userid} takes for that user, so a static policy can limit SSM Session Manager
    to the instances a user launched.

    USAGE
      aws-userid-tagger                     Lambda mode (AWS_LAMBDA_RUNTIME_API must be set)
      aws-userid-tagger invoke --event FILE [--dry-run] [--timeout SECONDS]
                                            handle one event (FILE '-' reads standard input)
      aws-userid-tagger reconcile [--region REGION] [--dry-run] [--timeout SECONDS]
                                            fix missing or stale tags on every instance of a region,
                                            and remove those no valid owner backs
      aws-userid-tagger --help | --version

    OPTIONS
      --dry-run    compute everything and send CreateTags and DeleteTags with DryRun=true:
                   permissions are checked, nothing is written (a central fan-out
                   publishes no sweep request, and says how many it would)
      --timeout    the deadline for all AWS calls (invoke 30 s, reconcile 300 s by default)

    The result is JSON on standard output; logs go to standard error.
      {"tagged":[{"instanceId":…,"value":…}],"unchanged":[…],"skipped":[{"instanceId":…,"reason":…}]}
    plus "revoked":[{"instanceId":…,"value":…,"reason":…}] when target tags were removed.
    An ignored event prints {"ignored":"<reason>",…}.

    ENVIRONMENT
      ROLE_NAME           the users' role (required unless ROLE_ID is set)
      ROLE_ID             its RoleId (AROA…): skips iam:GetRole
      SOURCE_TAG_KEY      tag holding the username (default CreatedBy)
      TARGET_TAG_KEY      tag to write (default AwsUserId)
      LAUNCHED_BY_TAG_KEY tag recording a self-service launcher (default AwsUserIdLaunchedBy)
      TRUSTED_LAUNCHERS   comma list of ARN patterns (* wildcard); other launchers are ignored
      AWS_REGION          region for reconcile and events without one (else AWS_DEFAULT_REGION,
                          else the profile's region)
      AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
                          credentials, source 1 of 4 (the first one configured wins, as for the AWS CLI)
      AWS_PROFILE, AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE
                          2. a profile (default 'default') of ~/.aws/credentials and ~/.aws/config:
                          keys, role_arn with source_profile or credential_source,
                          credential_process, IAM Identity Center (after aws sso login)
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, AWS_CONTAINER_CREDENTIALS_FULL_URI,
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, AWS_CONTAINER_AUTHORIZATION_TOKEN
                          3. the container credentials endpoint (ECS, EKS Pod Identity)
      AWS_EC2_METADATA_DISABLED, AWS_EC2_METADATA_SERVICE_ENDPOINT, AWS_METADATA_SERVICE_TIMEOUT
                          4. instance metadata, IMDSv2 (true: never asked; 1 s per request)
      AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_EC2|_IAM|_STS|_EVENTBRIDGE|_ORGANIZATIONS
                          endpoint overrides
      AWS_CA_BUNDLE, SSL_CERT_FILE, SSL_CERT_DIR   trust store, the first set: a CA bundle, or
                          a hashed CA directory; else $LAMBDA_TASK_ROOT/certs (the zip's), then
                          the system's bundle. TLS verification is always on
      AWS_MAX_ATTEMPTS    attempts per AWS call, 1 to 20 (default 5)
      AWS_LAMBDA_LOG_FORMAT (Text|JSON), AWS_LAMBDA_LOG_LEVEL (TRACE…FATAL)
      ALLOWED_ACCOUNTS    comma list of account ids whose events are acted on; in central mode
                          also the accounts a sweep covers. Empty: every account, and a
                          fan-out (TAGGER_EVENT_BUS) covers every ACTIVE account of the
                          organization but the management account, listed with AWS
                          Organizations (allowed only to the management account or a
                          delegated administrator)
      RECONCILE_REGIONS   comma list of regions a scheduled sweep covers (default AWS_REGION)
      TAGGER_MEMBER_ROLE  central mode: the role assumed in each event's account
      TAGGER_EXTERNAL_ID  central mode: the external id that role's trust policy requires
      TAGGER_EVENT_BUS    central mode: the bus a scheduled sweep publishes one sweep request
                          per account to (each request then sweeps its account)
      SWEEP_CONCURRENCY   regions of one account swept at once, 1 to 32 (default 8)
      METRICS_NAMESPACE   CloudWatch namespace of the embedded metrics (default aws-userid-tagger)

    EXIT STATUS
      0  the event was handled or ignored     1  an AWS call failed
      2  bad input, usage or configuration
    """
}
