import TaggerCommandLine
import XCTest

final class CommandTests: XCTestCase {
    func testTheThreeEntryPoints() throws {
        XCTAssertEqual(try Command.parse([]), .lambda)
        XCTAssertEqual(try Command.parse(["invoke", "--event", "-", "--dry-run"]),
                       .invoke(eventPath: "-", dryRun: true, timeout: Command.defaultInvokeTimeout))
        XCTAssertEqual(try Command.parse(["reconcile", "--region", "eu-west-1", "--timeout", "60"]),
                       .reconcile(region: "eu-west-1", dryRun: false, timeout: 60))
        XCTAssertEqual(try Command.parse(["--help"]), .help)
        XCTAssertEqual(try Command.parse(["invoke", "-h"]), .help)
        XCTAssertEqual(try Command.parse(["--version"]), .version)
    }

    func testUsageErrorsSayWhatIsWrong() {
        let cases: [([String], String)] = [
            (["tag"], "unknown command 'tag'"),
            (["invoke"], "invoke needs --event FILE"),
            (["invoke", "--event"], "--event needs a value"),
            (["reconcile", "--event", "x"], "unknown option '--event' for reconcile"),
            (["invoke", "--region", "x"], "unknown option '--region' for invoke"),
            (["reconcile", "--timeout", "0"], "--timeout takes seconds from 0 to 900"),
            (["reconcile", "--timeout", "901"], "--timeout takes seconds from 0 to 900"),
            (["reconcile", "--timeout", "soon"], "--timeout takes seconds from 0 to 900"),
        ]
        for (arguments, message) in cases {
            XCTAssertThrowsError(try Command.parse(arguments), "\(arguments)") { error in
                XCTAssertTrue("\(error)".hasPrefix(message), "\(error)")
            }
        }
    }

    func testUsageNamesEverySetting() {
        for setting in ["ROLE_NAME", "ROLE_ID", "SOURCE_TAG_KEY", "TARGET_TAG_KEY", "LAUNCHED_BY_TAG_KEY", "TRUSTED_LAUNCHERS",
                        "AWS_REGION", "ALLOWED_ACCOUNTS", "RECONCILE_REGIONS", "TAGGER_MEMBER_ROLE", "TAGGER_EXTERNAL_ID",
                        "TAGGER_EVENT_BUS", "SWEEP_CONCURRENCY", "METRICS_NAMESPACE", "AWS_DEFAULT_REGION", "AWS_PROFILE",
                        "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_EC2_METADATA_DISABLED",
                        "AWS_EC2_METADATA_SERVICE_ENDPOINT", "_ORGANIZATIONS"] {
            XCTAssertTrue(Command.usage.contains(setting), setting)
        }
    }
}
