@testable import AWSCredentials
import AWSQuery
import Foundation
import HTTP
import Primitives
import SigV4
import TestSupport
import XCTest

/// IMDSv2 against a loopback fake (AWS_EC2_METADATA_SERVICE_ENDPOINT), and
/// the refresh timing against a scripted one on a fake clock.
final class InstanceMetadataTests: TemporaryHomeTestCase {

    func harness(_ server: LoopbackServer, _ extra: [String: String] = [:]) -> Harness {
        Harness(extra.merging(["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.url]) { $1 }, home: home)
    }

    func metadata(_ credentials: LoopbackServer.Behaviour) -> [LoopbackServer.Behaviour] {
        [.text("TOKEN-abc"), .text("TaggerInstanceRole\n"), credentials]
    }

    func testTokenFirstThenTheRoleThenItsCredentials() throws {
        let expiration = Date().addingTimeInterval(6 * 3600).rounded
        let server = try LoopbackServer(metadata(.json(endpointJSON(keyId: "ASIAINSTANCE", expiration: expiration, code: "Success"))))
        defer { server.stop() }
        let resolved = try harness(server).resolve()
        XCTAssertEqual(try resolved.provider.credentials(deadline: Date().addingTimeInterval(5)),
                       Credentials(accessKeyId: "ASIAINSTANCE", secretAccessKey: Marker.secret, sessionToken: Marker.token, expiration: expiration))
        let received = server.received
        XCTAssertEqual(received.map(\.requestLine), ["PUT /latest/api/token HTTP/1.1",
                                                     "GET /latest/meta-data/iam/security-credentials/ HTTP/1.1",
                                                     "GET /latest/meta-data/iam/security-credentials/TaggerInstanceRole HTTP/1.1"])
        XCTAssertEqual(received[0].header("X-aws-ec2-metadata-token-ttl-seconds"), "21600")
        XCTAssertNil(received[0].header("X-aws-ec2-metadata-token"))
        XCTAssertEqual(received[1].header("X-aws-ec2-metadata-token"), "TOKEN-abc")
        XCTAssertEqual(received[2].header("X-aws-ec2-metadata-token"), "TOKEN-abc")
        XCTAssertEqual(resolved.source, "instance metadata at \(server.url)")
    }

    func testNoIMDSv1Fallback() throws {
        let server = try LoopbackServer([.text("", status: 403)])
        defer { server.stop() }
        let error = harness(server).resolveError()
        XCTAssertEqual(error?.setting, "credentials")
        XCTAssertEqual(error?.problem.contains("4. instance metadata: instance metadata at \(server.url) refused an IMDSv2 session token: HTTP 403"), true,
                       "\(error!)")
        XCTAssertEqual(server.received.count, 1, "no token, no other request")
    }

    func testASlowAnswerTimesOutWithinAboutASecond() throws {
        let server = try LoopbackServer([.text("TOKEN", delay: 5)])
        defer { server.stop() }
        let start = Date()
        let error = harness(server).resolveError()
        XCTAssertLessThan(Date().timeIntervalSince(start), 2.5)
        XCTAssertEqual(error?.problem.contains("4. instance metadata: instance metadata at \(server.url): timedOut"), true, "\(error!)")
    }

    func testHostileAnswersAreRefused() throws {
        let cases: [([LoopbackServer.Behaviour], String)] = [
            (metadata(.json("{\"Code\": \"Success\", \"AccessKeyId\": \"A\"")), "answered with something other than a JSON object"),
            (metadata(.json(endpointJSON(expiration: Date().addingTimeInterval(3600), code: "AssumeRoleUnauthorizedAccess"))),
             "answered Code AssumeRoleUnauthorizedAccess instead of Success"),
            (metadata(.json(endpointJSON(expiration: Date().addingTimeInterval(3600), code: "\(Marker.secret) x"))),
             "answered Code (not an identifier) instead of Success"),
            (metadata(.json(endpointJSON(expiration: Date().addingTimeInterval(-60), code: "Success"))), "gave credentials that expired at"),
            ([.text("TOKEN"), .text("", status: 404)], "this instance has no IAM role (instance profile) attached"),
            ([.text("TOKEN"), .text("../../etc/passwd")], "answered a role name that is not an IAM role name"),
            ([.text("TO\u{7F}KEN")], "answered an unusable session token"),
        ]
        for (script, message) in cases {
            let server = try LoopbackServer(script)
            defer { server.stop() }
            let error = harness(server).resolveError()
            XCTAssertEqual(error?.problem.contains(message), true, "\(message): \(String(describing: error))")
        }
    }

    func testDisabledMeansNoSocketAtAll() throws {
        for value in ["true", "TRUE", "True"] {
            var harness = Harness(["AWS_EC2_METADATA_DISABLED": value], home: home)
            harness.forbidTransports = true
            XCTAssertEqual(harness.resolveError()?.problem.hasSuffix("4. instance metadata: not asked, AWS_EC2_METADATA_DISABLED is true"), true)
        }
    }

    func testSettings() throws {
        XCTAssertEqual(try InstanceMetadataSource.settings(from: [:])?.endpoint.description, "http://169.254.169.254")
        XCTAssertEqual(try InstanceMetadataSource.settings(from: [:])?.timeout, 1)
        XCTAssertEqual(try InstanceMetadataSource.settings(from: [:])?.attempts, 1)
        XCTAssertEqual(try InstanceMetadataSource.settings(from: ["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6"])?.endpoint.description,
                       "http://[fd00:ec2::254]")
        XCTAssertEqual(try InstanceMetadataSource.settings(from: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://[::1]:8080/"])?.endpoint.description,
                       "http://[::1]:8080")
        XCTAssertNil(try InstanceMetadataSource.settings(from: ["AWS_EC2_METADATA_DISABLED": "true"]))
        XCTAssertNotNil(try InstanceMetadataSource.settings(from: ["AWS_EC2_METADATA_DISABLED": "false"]))
        let tuned = try InstanceMetadataSource.settings(from: ["AWS_METADATA_SERVICE_TIMEOUT": "3", "AWS_METADATA_SERVICE_NUM_ATTEMPTS": "2"])
        XCTAssertEqual(tuned?.timeout, 3)
        XCTAssertEqual(tuned?.attempts, 2)
        for (name, value) in [("AWS_EC2_METADATA_SERVICE_ENDPOINT", "169.254.169.254"), ("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5"),
                              ("AWS_METADATA_SERVICE_TIMEOUT", "0"), ("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "many")] {
            XCTAssertThrowsError(try InstanceMetadataSource.settings(from: [name: value])) { error in
                XCTAssertEqual((error as? ConfigurationError)?.setting, name)
            }
        }
    }

    func testRefreshedBeforeExpiryAndKeptWhileTheServiceHiccups() throws {
        let clock = FakeClock()
        func answer(_ keyId: String, expiresIn seconds: Double) -> [ScriptedTransport.Outcome] {
            [.response(HTTPResponse(status: 200, body: Array("T".utf8))), .response(HTTPResponse(status: 200, body: Array("Role".utf8))),
             .response(HTTPResponse(status: 200, body: Array(endpointJSON(keyId: keyId, expiration: clock.now.addingTimeInterval(seconds), code: "Success").utf8)))]
        }
        let transport = ScriptedTransport(answer("ASIAONE", expiresIn: 3600)
            + [.failure(TransportError(.connectionFailed, "reset"))]
            + answer("ASIATWO", expiresIn: 2 * 3600), clock: clock)
        let settings = try XCTUnwrap(InstanceMetadataSource.settings(from: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1"]))
        let provider = RefreshingCredentialsProvider(source: InstanceMetadataSource(settings: settings, transport: transport, clock: clock), clock: clock)
        let deadline = Date.distantFuture
        XCTAssertEqual(try provider.credentials(deadline: deadline).accessKeyId, "ASIAONE")
        clock.advance(by: 3600 - 301)
        XCTAssertEqual(try provider.credentials(deadline: deadline).accessKeyId, "ASIAONE", "fresh enough")
        XCTAssertEqual(transport.requests.count, 3)
        clock.advance(by: 2)
        XCTAssertEqual(try provider.credentials(deadline: deadline).accessKeyId, "ASIAONE", "the failed refresh keeps the current set")
        XCTAssertEqual(transport.requests.count, 4)
        XCTAssertEqual(try provider.credentials(deadline: deadline).accessKeyId, "ASIAONE", "and waits before trying again")
        XCTAssertEqual(transport.requests.count, 4)
        clock.advance(by: RefreshingCredentialsProvider.defaultRetryInterval)
        XCTAssertEqual(try provider.credentials(deadline: deadline).accessKeyId, "ASIATWO")
        XCTAssertEqual(transport.requests.count, 7)
        XCTAssertEqual(transport.timeouts.compactMap { $0 }.max(), 1, "one second per request")
    }
}
