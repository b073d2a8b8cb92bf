@testable import AWSCredentials
import AWSQuery
import Foundation
import Primitives
import SigV4
import XCTest

/// The environment's keys and the shared files' profiles (keys, region,
/// the INI dialect), through the chain as the tool runs it.
final class SharedFilesTests: TemporaryHomeTestCase {
    let secret = Marker.secret

    @discardableResult
    func writeCredentialsFile(_ text: String, name: String = ".aws/credentials") throws -> String {
        try home.write(name, text)
    }

    func credentials(_ environment: [String: String]) throws -> Credentials {
        try Harness(environment, home: home).credentials()
    }

    func loadError(_ environment: [String: String], file: StaticString = #filePath, line: UInt = #line) -> ConfigurationError? {
        Harness(environment, home: home).resolveError(file: file, line: line)
    }

    // MARK: environment

    func testEnvironmentKeysWithSessionToken() throws {
        let credentials = try credentials(["AWS_ACCESS_KEY_ID": "ASIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": "token"])
        XCTAssertEqual(credentials, Credentials(accessKeyId: "ASIAEXAMPLE", secretAccessKey: secret, sessionToken: "token"))
    }

    func testEnvironmentWinsOverTheFileAndAnEmptyTokenIsNone() throws {
        try writeCredentialsFile("[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = filesecret\n")
        let credentials = try credentials(["AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": ""])
        XCTAssertEqual(credentials, Credentials(accessKeyId: "AKIAEXAMPLE", secretAccessKey: secret))
    }

    func testPartialEnvironmentNamesWhatIsMissing() {
        XCTAssertEqual(loadError(["AWS_ACCESS_KEY_ID": "AKIAEXAMPLE"])?.description,
                       "AWS_SECRET_ACCESS_KEY: not set (AWS_ACCESS_KEY_ID is)")
        XCTAssertEqual(loadError(["AWS_SECRET_ACCESS_KEY": secret, "AWS_ACCESS_KEY_ID": ""])?.description,
                       "AWS_ACCESS_KEY_ID: not set (AWS_SECRET_ACCESS_KEY is)")
        XCTAssertEqual(loadError(["AWS_SESSION_TOKEN": "token"])?.description,
                       "AWS_ACCESS_KEY_ID: not set, nor AWS_SECRET_ACCESS_KEY (AWS_SESSION_TOKEN is)")
    }

    // MARK: shared credentials file

    func testDefaultProfileOfTheFileUnderHome() throws {
        try writeCredentialsFile("[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = \(secret)\n")
        XCTAssertEqual(try credentials([:]), Credentials(accessKeyId: "AKIAFILE", secretAccessKey: secret))
    }

    func testNamedProfileWithCommentsWhitespaceAndCRLF() throws {
        let text = "\u{FEFF}# written by hand\r\n[default]\r\naws_access_key_id=AKIADEFAULT\r\naws_secret_access_key=other\r\n\r\n"
            + "  [ dev ]  \r\n; the dev account\r\n\tAWS_Access_Key_Id   =   AKIADEV  \r\naws_secret_access_key =\(secret)\r\n"
            + "aws_session_token = FwoG/abc==\r\nregion = eu-west-1\r\n[other]\r\naws_session_token = notthisone\r\n"
        let path = try writeCredentialsFile(text, name: "elsewhere")
        let credentials = try credentials(["AWS_PROFILE": "dev", "AWS_SHARED_CREDENTIALS_FILE": path, "HOME": "/nonexistent"])
        XCTAssertEqual(credentials, Credentials(accessKeyId: "AKIADEV", secretAccessKey: secret, sessionToken: "FwoG/abc=="))
    }

    func testLaterValuesOfARepeatedProfileWin() throws {
        try writeCredentialsFile("[default]\naws_access_key_id = OLD\naws_secret_access_key = s\n[default]\naws_access_key_id = NEW\n")
        XCTAssertEqual(try credentials([:]).accessKeyId, "NEW")
    }

    func testAnExplicitProfileNotFoundNamesProfileAndFiles() throws {
        let path = try writeCredentialsFile("[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = \(secret)\n")
        XCTAssertEqual(loadError(["AWS_PROFILE": "x"])?.description,
                       "AWS_PROFILE: profile 'x' not found in \(path) or \(home.path)/.aws/config")
    }

    func testProfileWithoutSecretNamesTheKey() throws {
        let path = try writeCredentialsFile("[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key =\n")
        XCTAssertEqual(loadError([:])?.description, "AWS_PROFILE: profile 'default' (\(path)) has no aws_secret_access_key")
        try writeCredentialsFile("[default]\naws_secret_access_key = \(secret)\n")
        XCTAssertEqual(loadError([:])?.description, "AWS_PROFILE: profile 'default' (\(path)) has no aws_access_key_id")
    }

    func testNoCredentialsAnywhereNamesEverySourceTried() {
        let credentials = "\(home.path)/.aws/credentials", config = "\(home.path)/.aws/config"
        XCTAssertEqual(loadError([:])?.description,
                       "credentials: none found. Tried, in order: 1. environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set; "
                        + "2. shared files: no profile 'default' in \(credentials) or \(config); "
                        + "3. container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set; "
                        + "4. instance metadata: not asked, AWS_EC2_METADATA_DISABLED is true")
        var noHome = Harness([:])
        noHome.environment["HOME"] = nil
        XCTAssertEqual(noHome.resolveError()?.problem.contains(
            "2. shared files: no profile 'default' in no shared file (HOME is not set, nor AWS_SHARED_CREDENTIALS_FILE or AWS_CONFIG_FILE)"), true)
    }

    func testAnExplicitFileThatCannotBeRead() {
        let missing = home.url.appendingPathComponent("missing").path
        XCTAssertEqual(loadError(["AWS_SHARED_CREDENTIALS_FILE": missing])?.description,
                       "AWS_SHARED_CREDENTIALS_FILE: cannot read \(missing): no such file")
        XCTAssertEqual(loadError(["AWS_CONFIG_FILE": missing])?.description, "AWS_CONFIG_FILE: cannot read \(missing): no such file")
        let error = loadError(["AWS_SHARED_CREDENTIALS_FILE": home.path])
        XCTAssertEqual(error?.setting, "AWS_SHARED_CREDENTIALS_FILE")
        XCTAssertEqual(error?.problem.hasPrefix("cannot read \(home.path): "), true)
    }

    func testAnOversizedFileIsRefused() throws {
        let path = try writeCredentialsFile(String(repeating: "#", count: SharedConfigFiles.maximumFileSize + 1))
        XCTAssertEqual(loadError([:])?.description,
                       "AWS_SHARED_CREDENTIALS_FILE: cannot read \(path): larger than \(SharedConfigFiles.maximumFileSize) bytes")
    }

    func testAMalformedLineIsNamedByNumber() throws {
        let path = try writeCredentialsFile("[default]\naws_access_key_id = AKIAFILE\n\(secret)\n")
        XCTAssertEqual(loadError([:])?.description,
                       "AWS_SHARED_CREDENTIALS_FILE: line 3 of \(path) is not a [section] header, a key = value line or a comment")
        try writeCredentialsFile("aws_secret_access_key = \(secret)\n[default]\n")
        XCTAssertEqual(loadError([:])?.problem.hasPrefix("line 1 of"), true)
        try writeCredentialsFile("[default\n")
        XCTAssertEqual(loadError([:])?.problem.hasPrefix("line 1 of"), true)
        try writeCredentialsFile("[default] \(secret)\n")
        XCTAssertEqual(loadError([:])?.problem.hasPrefix("line 1 of"), true)
    }

    func testNoErrorMessageContainsTheSecret() throws {
        var errors: [ConfigurationError?] = [
            loadError(["AWS_SECRET_ACCESS_KEY": secret]),
            loadError(["AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": secret]),
            loadError(["AWS_SESSION_TOKEN": secret]),
        ]
        for text in [
            "[default]\naws_secret_access_key = \(secret)\n",
            "[default]\naws_secret_access_key = \(secret)\n\(secret)\n",
            "\(secret)\n", "[\(secret)\n", "\(secret) = x\n",
            "[dev]\naws_access_key_id = AKIA\naws_secret_access_key = \(secret)\n",
        ] {
            try writeCredentialsFile(text)
            errors.append(loadError([:]))
        }
        XCTAssertEqual(errors.compactMap { $0 }.count, errors.count, "every case is an error")
    }

    // MARK: the config file

    func testConfigFileProfilesAndTheCredentialsFileWinsForKeys() throws {
        try home.write(".aws/config", """
            [default]
            region = us-east-1
            [profile dev]
            region = eu-central-1
            aws_access_key_id = CONFIGKEY
            aws_secret_access_key = config-secret
            s3 =
              max_concurrent_requests = 20
              region = not-a-setting-of-the-profile
            [dev]
            aws_access_key_id = NOT-A-PROFILE-IN-THE-CONFIG-FILE
            [sso-session corp]
            sso_region = eu-west-1
            """)
        try writeCredentialsFile("[dev]\naws_access_key_id = CREDENTIALSKEY\naws_secret_access_key = \(secret)\n")
        XCTAssertEqual(try credentials(["AWS_PROFILE": "dev"]), Credentials(accessKeyId: "CREDENTIALSKEY", secretAccessKey: secret))
        let files = SharedConfigFiles(environment: ["HOME": home.path, "AWS_PROFILE": "dev"], files: LocalFiles())
        XCTAssertEqual(try files.region()?.region, "eu-central-1")
        XCTAssertEqual(try files.region()?.origin, "region of profile 'dev' (\(home.path)/.aws/credentials, \(home.path)/.aws/config)")
        XCTAssertEqual(try SharedConfigFiles(environment: ["HOME": home.path], files: LocalFiles()).region()?.region, "us-east-1")
        XCTAssertEqual(try files.ssoSession("corp"), ["sso_region": "eu-west-1"])
    }

    func testAConfigOnlyProfileWithKeys() throws {
        try home.write(".aws/config", "[profile ci]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = \(secret)\n")
        XCTAssertEqual(try credentials(["AWS_PROFILE": "ci"]).accessKeyId, "AKIACONFIG")
    }

    func testAProfileWithOnlyARegionDoesNotApply() throws {
        try home.write(".aws/config", "[default]\nregion = eu-west-1\n")
        XCTAssertEqual(loadError([:])?.problem.contains(
            "2. shared files: profile 'default' (\(home.path)/.aws/config) has no credential settings"), true)
    }

    func testConfigFileAtAnotherPathAndTildeExpansion() throws {
        try home.write("elsewhere/config", "[profile x]\nregion = ap-south-1\n")
        let files = SharedConfigFiles(environment: ["HOME": home.path, "AWS_CONFIG_FILE": "~/elsewhere/config", "AWS_PROFILE": "x"],
                                      files: LocalFiles())
        XCTAssertEqual(try files.region()?.region, "ap-south-1")
    }

    func testRegionLookupForAnExplicitProfileThatDoesNotExist() {
        let files = SharedConfigFiles(environment: ["HOME": home.path, "AWS_PROFILE": "nope"], files: LocalFiles())
        XCTAssertThrowsError(try files.region()) { error in
            XCTAssertEqual((error as? ConfigurationError)?.setting, "AWS_PROFILE")
        }
        XCTAssertNil(try SharedConfigFiles(environment: ["HOME": home.path], files: LocalFiles()).region())
    }
}
