@testable import AWSCredentials
import AWSQuery
import Foundation
import Primitives
import SigV4
import TestSupport
import XCTest

/// IAM Identity Center profiles: the token `aws sso login` cached, and
/// GetRoleCredentials against a loopback portal.
final class SSOCredentialsTests: TemporaryHomeTestCase {
    let sessionConfig = """
        [profile dev]
        sso_session = my-sso
        sso_account_id = 111122223333
        sso_role_name = ReadOnly+Ops
        region = eu-west-1
        [sso-session my-sso]
        sso_start_url = https://my-sso-portal.awsapps.com/start
        sso_region = eu-west-1
        sso_registration_scopes = sso:account:access
        """
    let legacyConfig = """
        [profile dev]
        sso_start_url = https://my-sso-portal.awsapps.com/start
        sso_region = us-east-1
        sso_account_id = 111122223333
        sso_role_name = ReadOnly
        """
    /// SHA-1 of `my-sso` and of the start URL, as the AWS CLI names its cache files.
    let sessionCache = ".aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json"
    let legacyCache = ".aws/sso/cache/c7aaaf71fcc8777ae2475525ed049d39fe16c484.json"

    func cacheToken(_ path: String, token: String = Marker.bearer, expiresAt: Date) throws {
        try home.write(path, """
            {"startUrl": "https://my-sso-portal.awsapps.com/start", "region": "eu-west-1", "accessToken": "\(token)",
             "expiresAt": "\(ISO8601DateFormatter().string(from: expiresAt))", "clientId": "c", "clientSecret": "\(Marker.secret)",
             "refreshToken": "\(Marker.token)"}
            """)
    }

    func roleCredentials(keyId: String = "ASIASSO", expiration: Date) -> LoopbackServer.Behaviour {
        .json("""
            {"roleCredentials": {"accessKeyId": "\(keyId)", "secretAccessKey": "\(Marker.secret)", "sessionToken": "\(Marker.token)",
             "expiration": \(Int64(expiration.timeIntervalSince1970 * 1000))}}
            """)
    }

    func harness(_ config: String, portal: LoopbackServer?, clock: WallClock = SystemClock()) throws -> Harness {
        try home.write(".aws/config", config)
        var harness = Harness(["AWS_PROFILE": "dev"], home: home)
        harness.clock = clock
        harness.ssoPortal = portal.map { Endpoint(scheme: "http", host: "127.0.0.1", port: $0.port, signingRegion: "eu-west-1", signingName: "awsssoportal") }
        return harness
    }

    func testSSOSessionProfile() throws {
        try cacheToken(sessionCache, expiresAt: Date().addingTimeInterval(3600))
        let expiration = Date().addingTimeInterval(3600).rounded
        let portal = try LoopbackServer([roleCredentials(expiration: expiration)])
        defer { portal.stop() }
        let resolved = try harness(sessionConfig, portal: portal).resolve()
        let credentials = try resolved.provider.credentials(deadline: Date().addingTimeInterval(5))
        XCTAssertEqual(credentials, Credentials(accessKeyId: "ASIASSO", secretAccessKey: Marker.secret, sessionToken: Marker.token, expiration: expiration))
        let request = try XCTUnwrap(portal.received.first)
        XCTAssertEqual(request.requestLine, "GET /federation/credentials?account_id=111122223333&role_name=ReadOnly%2BOps HTTP/1.1")
        XCTAssertEqual(request.header("x-amz-sso_bearer_token"), Marker.bearer)
        XCTAssertNil(request.header("Authorization"), "unsigned")
        XCTAssertTrue(resolved.source.hasPrefix("IAM Identity Center role ReadOnly+Ops in account 111122223333 of profile 'dev'"), resolved.source)
    }

    func testLegacyProfileCacheIsNamedAfterTheStartURL() throws {
        try cacheToken(legacyCache, expiresAt: Date().addingTimeInterval(3600))
        let portal = try LoopbackServer([roleCredentials(expiration: Date().addingTimeInterval(3600))])
        defer { portal.stop() }
        XCTAssertEqual(try harness(legacyConfig, portal: portal).credentials().accessKeyId, "ASIASSO")
    }

    func testTheOlderExpiresAtFormatIsRead() throws {
        let future = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600)).replacingOccurrences(of: "Z", with: "UTC")
        try home.write(legacyCache, "{\"accessToken\": \"\(Marker.bearer)\", \"expiresAt\": \"\(future)\"}")
        let portal = try LoopbackServer([roleCredentials(expiration: Date().addingTimeInterval(3600))])
        defer { portal.stop() }
        XCTAssertEqual(try harness(legacyConfig, portal: portal).credentials().accessKeyId, "ASIASSO")
    }

    func testAnExpiredTokenIsRefusedWithTheLoginCommand() throws {
        try cacheToken(sessionCache, expiresAt: Date().addingTimeInterval(-60))
        let portal = try LoopbackServer([])
        defer { portal.stop() }
        let error = try harness(sessionConfig, portal: portal).resolveError()
        XCTAssertEqual(error?.setting, "AWS_PROFILE")
        XCTAssertEqual(error?.problem.contains("the IAM Identity Center sign-in expired at"), true, "\(error!)")
        XCTAssertEqual(error?.problem.hasSuffix("run `aws sso login --profile dev`"), true, "\(error!)")
        XCTAssertEqual(portal.received.count, 0, "an expired token is never sent")
    }

    func testNotSignedInAndAnUnreadableCache() throws {
        var error = try harness(sessionConfig, portal: nil).resolveError()
        XCTAssertEqual(error?.problem.contains("no token cached in \(home.path)/\(sessionCache) (not signed in): run `aws sso login --profile dev`"), true,
                       "\(error!)")
        try home.write(sessionCache, "{\"accessToken\": \"\(Marker.bearer)\"")
        error = try harness(sessionConfig, portal: nil).resolveError()
        XCTAssertEqual(error?.problem.contains("lacks a usable accessToken and expiresAt"), true, "\(error!)")
    }

    func testThePortalRefusingTheTokenAsksForANewLogin() throws {
        try cacheToken(sessionCache, expiresAt: Date().addingTimeInterval(3600))
        let portal = try LoopbackServer([.respond(status: 401, headers: [("x-amzn-ErrorType", "UnauthorizedException:http://internal.amazon.com/")],
                                                  body: "{\"message\":\"Session token not found or invalid\"}")])
        defer { portal.stop() }
        let error = try harness(sessionConfig, portal: portal).resolveError()
        XCTAssertEqual(error?.problem.contains("GetRoleCredentials answered HTTP 401: the IAM Identity Center sign-in is no longer valid: "
                                               + "run `aws sso login --profile dev`"), true, "\(error!)")
        XCTAssertEqual(error?.problem.contains("UnauthorizedException"), true)
    }

    func testABadAnswerIsRefused() throws {
        try cacheToken(sessionCache, expiresAt: Date().addingTimeInterval(3600))
        let portal = try LoopbackServer([.json("{\"roleCredentials\": {\"accessKeyId\": \"A\", \"secretAccessKey\": \"\(Marker.secret)\"}}")])
        defer { portal.stop() }
        let error = try harness(sessionConfig, portal: portal).resolveError()
        XCTAssertEqual(error?.problem.contains("GetRoleCredentials answered without roleCredentials"), true, "\(error!)")
    }

    func testIncompleteSettings() throws {
        let cases = [
            ("[profile dev]\nsso_session = my-sso\nsso_account_id = 1\nsso_role_name = R\n", "sso_session 'my-sso' has no [sso-session my-sso] section"),
            ("[profile dev]\nsso_session = s\nsso_account_id = 1\nsso_role_name = R\n[sso-session s]\nsso_region = eu-west-1\n",
             "[sso-session s] needs sso_start_url and sso_region"),
            ("[profile dev]\nsso_session = s\nsso_region = us-east-1\nsso_account_id = 1\nsso_role_name = R\n[sso-session s]\n"
                + "sso_region = eu-west-1\nsso_start_url = https://x\n", "sso_region differs from the one of [sso-session s]"),
            ("[profile dev]\nsso_start_url = https://x\nsso_account_id = 1\nsso_role_name = R\n", "has sso_start_url but no sso_region"),
            ("[profile dev]\nsso_session = s\n[sso-session s]\nsso_region = eu-west-1\nsso_start_url = https://x\n",
             "needs sso_account_id and sso_role_name"),
            ("[profile dev]\nsso_account_id = 1\nsso_role_name = R\n", "neither sso_session nor sso_start_url"),
        ]
        for (config, message) in cases {
            let error = try harness(config, portal: nil).resolveError()
            XCTAssertEqual(error?.problem.contains(message), true, "\(config): \(String(describing: error))")
        }
    }

    func testRefreshedBeforeExpiryWithTheTokenCachedLast() throws {
        let clock = FakeClock(now: Date())
        try cacheToken(sessionCache, expiresAt: Date().addingTimeInterval(8 * 3600))
        let portal = try LoopbackServer([roleCredentials(keyId: "ASIAFIRST", expiration: clock.now.addingTimeInterval(3600)),
                                         roleCredentials(keyId: "ASIASECOND", expiration: clock.now.addingTimeInterval(7200))])
        defer { portal.stop() }
        let provider = try harness(sessionConfig, portal: portal, clock: clock).resolve().provider
        XCTAssertEqual(try provider.credentials(deadline: clock.now.addingTimeInterval(5)).accessKeyId, "ASIAFIRST")
        // Another `aws sso login` meanwhile: the new token is the one used.
        try cacheToken(sessionCache, token: "BEARERTOKENMARKER-second", expiresAt: Date().addingTimeInterval(8 * 3600))
        clock.advance(by: 3600 - 200)
        XCTAssertEqual(try provider.credentials(deadline: clock.now.addingTimeInterval(5)).accessKeyId, "ASIASECOND")
        XCTAssertEqual(portal.received.map { $0.header("x-amz-sso_bearer_token") }, [Marker.bearer, "BEARERTOKENMARKER-second"])
    }

    func testThePortalEndpointOfEachPartition() throws {
        XCTAssertEqual(try SSOPortal.endpoint(region: "eu-west-1").host, "portal.sso.eu-west-1.amazonaws.com")
        XCTAssertEqual(try SSOPortal.endpoint(region: "cn-north-1").host, "portal.sso.cn-north-1.amazonaws.com.cn")
        XCTAssertEqual(try SSOPortal.endpoint(region: "us-gov-west-1").host, "portal.sso.us-gov-west-1.amazonaws.com")
        XCTAssertThrowsError(try SSOPortal.endpoint(region: "evil.com/x"))
        XCTAssertEqual(SHA1Name.hex("my-sso"), "0ad374308c5a4e22f723adf10145eafad7c4031c")
    }
}
