@testable import AWSCredentials
import AWSQuery
import Foundation
import HTTP
import Primitives
import SigV4
import TestSupport
import XCTest

/// The order of the sources, the Lambda cold start, and what the chain never does.
final class CredentialsChainTests: TemporaryHomeTestCase {

    /// Lambda's environment: the keys and the region are there, so nothing
    /// else may be touched: no file read, no process started, no transport made.
    func testTheLambdaPathTouchesNoFileProcessOrSocket() throws {
        var harness = Harness(["AWS_ACCESS_KEY_ID": "ASIALAMBDA", "AWS_SECRET_ACCESS_KEY": Marker.secret, "AWS_SESSION_TOKEN": Marker.token,
                               "AWS_REGION": "eu-west-1", "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001", "AWS_PROFILE": "set-but-unused",
                               "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:1/never"], home: home)
        harness.environment["AWS_EC2_METADATA_DISABLED"] = nil  // not even that is needed
        harness.files = ForbiddenFiles()
        harness.processes = ForbiddenProcesses()
        harness.forbidTransports = true
        let resolved = try harness.resolve()
        XCTAssertTrue(resolved.provider is StaticCredentialsProvider)
        XCTAssertEqual(try resolved.provider.credentials(deadline: Date()), Credentials(accessKeyId: "ASIALAMBDA", secretAccessKey: Marker.secret,
                                                                                        sessionToken: Marker.token))
        XCTAssertEqual(resolved.source, "the environment (AWS_ACCESS_KEY_ID)")
        // The region is the environment's too: the profile is never asked.
        let files = SharedConfigFiles(environment: harness.environment, files: ForbiddenFiles())
        XCTAssertEqual(files.profileName, "set-but-unused")
    }

    func testTheProfileComesBeforeTheContainerAndTheContainerBeforeInstanceMetadata() throws {
        let container = try LoopbackServer([.json(endpointJSON(keyId: "ASIACONTAINER", expiration: Date().addingTimeInterval(3600)))])
        let metadata = try LoopbackServer([])
        defer {
            container.stop()
            metadata.stop()
        }
        try home.write(".aws/credentials", "[default]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = \(Marker.secret)\n")
        let environment = ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "\(container.url)/c", "AWS_EC2_METADATA_SERVICE_ENDPOINT": metadata.url]
        XCTAssertEqual(try Harness(environment, home: home).credentials().accessKeyId, "AKIAPROFILE")
        XCTAssertEqual(container.received.count, 0)

        try FileManager.default.removeItem(atPath: "\(home.path)/.aws/credentials")
        XCTAssertEqual(try Harness(environment, home: home).credentials().accessKeyId, "ASIACONTAINER")
        XCTAssertEqual(metadata.received.count, 0, "instance metadata is asked only when nothing before it is configured")
    }

    func testInstanceMetadataIsTheLastResort() throws {
        let metadata = try LoopbackServer([.text("T"), .text("Role"),
                                           .json(endpointJSON(keyId: "ASIAINSTANCE", expiration: Date().addingTimeInterval(3600), code: "Success"))])
        defer { metadata.stop() }
        try home.write(".aws/config", "[default]\nregion = eu-west-1\n")
        XCTAssertEqual(try Harness(["AWS_EC2_METADATA_SERVICE_ENDPOINT": metadata.url], home: home).credentials().accessKeyId, "ASIAINSTANCE")
    }

    func testAConfiguredSourceThatFailsIsAnErrorNotAReasonToGoOn() throws {
        let metadata = try LoopbackServer([])
        defer { metadata.stop() }
        try home.write(".aws/config", "[default]\ncredential_process = /nonexistent/helper\n")
        var harness = Harness(["AWS_EC2_METADATA_SERVICE_ENDPOINT": metadata.url], home: home)
        harness.forbidTransports = true
        XCTAssertEqual(harness.resolveError()?.setting, "AWS_PROFILE")
        XCTAssertEqual(metadata.received.count, 0)
    }

    func testWebIdentityIsNotSupportedAndSaysSo() throws {
        var harness = Harness(["AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/x"], home: home)
        harness.forbidTransports = true
        let error = harness.resolveError()
        XCTAssertEqual(error?.setting, "AWS_WEB_IDENTITY_TOKEN_FILE")
        XCTAssertEqual(error?.problem.contains("aws configure export-credentials --format env"), true)
    }

    func testAnUnreachableMetadataServiceEndsTheListOfReasons() throws {
        let metadata = try LoopbackServer([])
        metadata.stop()  // nothing listens: connection refused
        let error = Harness(["AWS_EC2_METADATA_SERVICE_ENDPOINT": metadata.url], home: home).resolveError()
        XCTAssertEqual(error?.setting, "credentials")
        XCTAssertEqual(error?.problem.contains("4. instance metadata: instance metadata at \(metadata.url): connectionFailed"), true, "\(error!)")
        XCTAssertEqual(error?.problem.hasSuffix("(NetworkError)"), true)
    }
}
