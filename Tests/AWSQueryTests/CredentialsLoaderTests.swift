@testable import AWSQuery
import Foundation
import HTTP
import Primitives
import SigV4
import XCTest
import XML

final class CredentialsLoaderTests: XCTestCase {
    let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRETKEY"
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("credentials-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent(".aws"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: directory)
    }

    /// Writes `text` as `$HOME/.aws/credentials` and returns its path.
    @discardableResult
    func writeCredentialsFile(_ text: String, name: String = ".aws/credentials") throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func loadError(_ environment: [String: String]) -> ConfigurationError? {
        do {
            _ = try CredentialsLoader.load(environment: environment)
            return nil
        } catch {
            return error
        }
    }

    // MARK: environment

    func testEnvironmentKeysWithSessionToken() throws {
        let credentials = try CredentialsLoader.load(environment: [
            "AWS_ACCESS_KEY_ID": "ASIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": "token",
        ])
        XCTAssertEqual(credentials, Credentials(accessKeyId: "ASIAEXAMPLE", secretAccessKey: secret, sessionToken: "token"))
    }

    func testEnvironmentWinsOverTheFileAndAnEmptyTokenIsNone() throws {
        try writeCredentialsFile("[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = filesecret\n")
        let credentials = try CredentialsLoader.load(environment: [
            "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": "", "HOME": directory.path,
        ])
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
        let credentials = try CredentialsLoader.load(environment: ["HOME": directory.path])
        XCTAssertEqual(credentials, Credentials(accessKeyId: "AKIAFILE", secretAccessKey: secret))
    }

    func testNamedProfileWithCommentsWhitespaceAndCRLF() throws {
        let text = "\u{FEFF}# written by hand\r\n[default]\r\naws_access_key_id=AKIADEFAULT\r\naws_secret_access_key=other\r\n\r\n"
            + "  [ dev ]  \r\n; the dev account\r\n\tAWS_Access_Key_Id   =   AKIADEV  \r\naws_secret_access_key =\(secret)\r\n"
            + "aws_session_token = FwoG/abc==\r\nregion = eu-west-1\r\n[other]\r\naws_session_token = notthisone\r\n"
        let path = try writeCredentialsFile(text, name: "elsewhere")
        let credentials = try CredentialsLoader.load(environment: [
            "AWS_PROFILE": "dev", "AWS_SHARED_CREDENTIALS_FILE": path, "HOME": "/nonexistent",
        ])
        XCTAssertEqual(credentials, Credentials(accessKeyId: "AKIADEV", secretAccessKey: secret, sessionToken: "FwoG/abc=="))
    }

    func testLaterValuesOfARepeatedProfileWin() throws {
        try writeCredentialsFile("[default]\naws_access_key_id = OLD\naws_secret_access_key = s\n[default]\naws_access_key_id = NEW\n")
        XCTAssertEqual(try CredentialsLoader.load(environment: ["HOME": directory.path]).accessKeyId, "NEW")
    }

    func testProfileNotFoundNamesProfileAndFile() throws {
        let path = try writeCredentialsFile("[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = \(secret)\n")
        XCTAssertEqual(loadError(["HOME": directory.path, "AWS_PROFILE": "x"])?.description,
                       "AWS_PROFILE: profile 'x' not found in \(path)")
    }

    func testProfileWithoutSecretNamesTheKey() throws {
        let path = try writeCredentialsFile("[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key =\n")
        XCTAssertEqual(loadError(["HOME": directory.path])?.description,
                       "AWS_PROFILE: profile 'default' in \(path) has no aws_secret_access_key")
        try writeCredentialsFile("[default]\naws_secret_access_key = \(secret)\n")
        XCTAssertEqual(loadError(["HOME": directory.path])?.description,
                       "AWS_PROFILE: profile 'default' in \(path) has no aws_access_key_id")
    }

    func testNoCredentialsAnywhere() {
        let path = directory.appendingPathComponent(".aws/credentials").path
        XCTAssertEqual(loadError(["HOME": directory.path])?.description,
                       "AWS_ACCESS_KEY_ID: not set, and there is no \(path)")
        XCTAssertEqual(loadError([:])?.description,
                       "AWS_ACCESS_KEY_ID: not set, and HOME is not set to find a shared credentials file")
    }

    func testAnExplicitFileThatCannotBeRead() {
        let missing = directory.appendingPathComponent("missing").path
        XCTAssertEqual(loadError(["AWS_SHARED_CREDENTIALS_FILE": missing])?.description,
                       "AWS_SHARED_CREDENTIALS_FILE: cannot read \(missing): no such file")
        let error = loadError(["AWS_SHARED_CREDENTIALS_FILE": directory.path])
        XCTAssertEqual(error?.setting, "AWS_SHARED_CREDENTIALS_FILE")
        XCTAssertEqual(error?.problem.hasPrefix("cannot read \(directory.path): "), true)
    }

    func testAnOversizedFileIsRefused() throws {
        let path = try writeCredentialsFile(String(repeating: "#", count: CredentialsLoader.maximumFileSize + 1))
        XCTAssertEqual(loadError(["HOME": directory.path])?.description,
                       "AWS_SHARED_CREDENTIALS_FILE: cannot read \(path): larger than \(CredentialsLoader.maximumFileSize) bytes")
    }

    func testAMalformedLineIsNamedByNumber() throws {
        let path = try writeCredentialsFile("[default]\naws_access_key_id = AKIAFILE\n\(secret)\n")
        XCTAssertEqual(loadError(["HOME": directory.path])?.description,
                       "AWS_SHARED_CREDENTIALS_FILE: line 3 of \(path) is not a [profile] header, a key = value line or a comment")
        try writeCredentialsFile("aws_secret_access_key = \(secret)\n[default]\n")
        XCTAssertEqual(loadError(["HOME": directory.path])?.problem.hasPrefix("line 1 of"), true)
        try writeCredentialsFile("[default\n")
        XCTAssertEqual(loadError(["HOME": directory.path])?.problem.hasPrefix("line 1 of"), true)
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
            errors.append(loadError(["HOME": directory.path]))
        }
        XCTAssertEqual(errors.compactMap { $0 }.count, errors.count, "every case is an error")
        for error in errors.compactMap({ $0 }) {
            XCTAssertFalse("\(error)".contains(secret), "\(error)")
            XCTAssertFalse(String(reflecting: error).contains(secret), "\(error)")
        }
    }
}
