@testable import AWSCredentials
import AWSQuery
import Foundation
import Primitives
import SigV4
import TestSupport
import XCTest

/// The container credentials endpoint against a loopback fake.
final class ContainerCredentialsTests: TemporaryHomeTestCase {

    func harness(_ environment: [String: String]) -> Harness {
        Harness(environment, home: home)
    }

    func testFullURIWithTheTokenFromTheEnvironment() throws {
        let expiration = Date().addingTimeInterval(3600).rounded
        let server = try LoopbackServer([.json(endpointJSON(keyId: "ASIATASK", expiration: expiration))])
        defer { server.stop() }
        let resolved = try harness(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "\(server.url)/v1/credentials?a=b",
                                    "AWS_CONTAINER_AUTHORIZATION_TOKEN": Marker.bearer]).resolve()
        let credentials = try resolved.provider.credentials(deadline: Date().addingTimeInterval(5))
        XCTAssertEqual(credentials, Credentials(accessKeyId: "ASIATASK", secretAccessKey: Marker.secret, sessionToken: Marker.token, expiration: expiration))
        XCTAssertEqual(server.received.map(\.requestLine), ["GET /v1/credentials?a=b HTTP/1.1"])
        XCTAssertEqual(server.received.first?.header("Authorization"), Marker.bearer)
        XCTAssertEqual(resolved.source, "the container credentials endpoint \(server.url)/v1/credentials")
    }

    func testTheTokenFileWinsAndIsReadAgainAtEachRefresh() throws {
        let clock = FakeClock(now: Date())
        let tokenFile = try home.write("token", "\(Marker.bearer)-1\n")
        let server = try LoopbackServer([.json(endpointJSON(keyId: "ASIAONE", expiration: clock.now.addingTimeInterval(3600))),
                                         .json(endpointJSON(keyId: "ASIATWO", expiration: clock.now.addingTimeInterval(7200)))])
        defer { server.stop() }
        var harness = harness(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://localhost:\(server.port)/pod",
                               "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile, "AWS_CONTAINER_AUTHORIZATION_TOKEN": "not-this-one"])
        harness.clock = clock
        let provider = try harness.resolve().provider
        try home.write("token", "\(Marker.bearer)-2")
        clock.advance(by: 3600 - 100)
        XCTAssertEqual(try provider.credentials(deadline: clock.now.addingTimeInterval(5)).accessKeyId, "ASIATWO")
        XCTAssertEqual(server.received.map { $0.header("Authorization") }, ["\(Marker.bearer)-1", "\(Marker.bearer)-2"])
    }

    func testRelativeURIGoesTo169254170_2() throws {
        let (url, token) = try XCTUnwrap(ContainerCredentialsSource.configured(in: [
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1/ignored"]))
        XCTAssertEqual(url.description, "http://169.254.170.2/v2/credentials/abc")
        guard case .none = token else { return XCTFail("no token") }
        XCTAssertNil(try ContainerCredentialsSource.configured(in: [:]))
    }

    func testOnlyLoopbackAndTheDocumentedHostsOverPlainHTTP() throws {
        for allowed in ["http://127.0.0.1:8080/x", "http://127.1.2.3/x", "http://[::1]:80/x", "http://localhost/x", "http://169.254.170.2/x",
                        "http://169.254.170.23/v1/credentials", "http://[fd00:ec2::23]/v1/credentials", "https://credentials.example.com/x"] {
            XCTAssertNoThrow(try ContainerCredentialsSource.configured(in: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": allowed]), allowed)
        }
        for refused in ["http://169.254.169.254/latest/meta-data/", "http://192.0.2.10/creds", "http://[fd00:ec2::254]/x", "http://10.0.0.1/x",
                        "ftp://127.0.0.1/x", "http://user@127.0.0.1/x", "http://127.0.0.1:99999/x", "http://127.0.0.1/x#frag"] {
            var harness = harness(["AWS_CONTAINER_CREDENTIALS_FULL_URI": refused])
            harness.forbidTransports = true
            let error = harness.resolveError()
            XCTAssertEqual(error?.setting, "AWS_CONTAINER_CREDENTIALS_FULL_URI", refused)
        }
        let error = harness(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://192.0.2.10/creds"]).resolveError()
        XCTAssertEqual(error?.problem.contains("which is not a loopback address (127.0.0.0/8, ::1), the ECS container host 169.254.170.2 "
                                               + "or an EKS Pod Identity host (169.254.170.23, fd00:ec2::23)"), true, "\(error!)")
    }

    func testHostileAnswersAreRefused() throws {
        let cases: [(LoopbackServer.Behaviour, String)] = [
            (.json("{\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"\(Marker.secret)\""), "answered with something other than a JSON object"),
            (.json("{\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"\(Marker.secret)\", \"Expiration\": \"soon\"}"), "without a valid Expiration"),
            (.json("{\"SecretAccessKey\": \"\(Marker.secret)\"}"), "without AccessKeyId or SecretAccessKey"),
            (.json(endpointJSON(expiration: Date().addingTimeInterval(-10))), "gave credentials that expired at"),
            (.json("{\"code\": \"NoCredentialsForTask\", \"message\": \"\(Marker.bearer)\"}", status: 404), "answered HTTP 404 (NoCredentialsForTask)"),
            (.json("{\"code\": \"\(Marker.bearer) echo\"}", status: 400), "answered HTTP 400"),
        ]
        for (behaviour, message) in cases {
            let server = try LoopbackServer([behaviour])
            defer { server.stop() }
            let error = harness(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "\(server.url)/c", "AWS_CONTAINER_AUTHORIZATION_TOKEN": Marker.bearer]).resolveError()
            XCTAssertEqual(error?.setting, "AWS_CONTAINER_CREDENTIALS_FULL_URI")
            XCTAssertEqual(error?.problem.contains(message), true, "\(message): \(String(describing: error))")
        }
    }

    func testServerErrorsAreTriedThreeTimes() throws {
        let server = try LoopbackServer([.json("{}", status: 500), .close, .json(endpointJSON(expiration: Date().addingTimeInterval(3600)))])
        defer { server.stop() }
        XCTAssertEqual(try harness(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "\(server.url)/c"]).credentials().accessKeyId, "ASIAENDPOINT")
        XCTAssertEqual(server.received.count, 3)
    }

    func testATokenThatCouldSplitAHeaderIsRefused() throws {
        XCTAssertThrowsError(try ContainerCredentialsSource.configured(in: [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1/x", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "a\r\nX-Evil: 1"]))
        let tokenFile = try home.write("token", "a\nX-Evil: 1")
        let server = try LoopbackServer([])
        defer { server.stop() }
        let error = harness(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "\(server.url)/c", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile]).resolveError()
        XCTAssertEqual(error?.problem.contains("holds a line break or control character"), true, "\(error!)")
        XCTAssertEqual(server.received.count, 0)
    }
}
