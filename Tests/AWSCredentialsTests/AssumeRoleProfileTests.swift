@testable import AWSCredentials
import AWSQuery
import Foundation
import Primitives
import SigV4
import TestSupport
import XCTest

/// `role_arn` profiles: the source_profile chain, credential_source, the
/// AssumeRole parameters, and the settings refused.
final class AssumeRoleProfileTests: TemporaryHomeTestCase {
    let role = "arn:aws:iam::111122223333:role/Tagger"
    let otherRole = "arn:aws:iam::444455556666:role/Hop"

    override func setUpWithError() throws {
        try super.setUpWithError()
        try home.write(".aws/credentials", "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = \(Marker.secret)\n")
    }

    func harness(_ config: String, profile: String = "ops", environment: [String: String] = [:]) throws -> Harness {
        try home.write(".aws/config", config)
        var environment = environment
        environment["AWS_PROFILE"] = profile
        return Harness(environment, home: home)
    }

    func testSourceProfileWithEveryAssumeRoleSetting() throws {
        let harness = try harness("""
            [profile ops]
            role_arn = \(role)
            source_profile = base
            external_id = ext-123
            role_session_name = operator
            duration_seconds = 7200
            region = eu-north-1
            """)
        let credentials = try harness.credentials()
        XCTAssertEqual(credentials.accessKeyId, "ASIAROLE1")
        XCTAssertEqual(harness.sts.calls, [FakeSTS.Call(roleArn: role, sessionName: "operator", externalId: "ext-123", durationSeconds: 7200,
                                                        region: "eu-west-1", sourceKeyId: "AKIABASE")])
    }

    func testDefaultsAndAChainOfTwoRoles() throws {
        let harness = try harness("""
            [profile ops]
            role_arn = \(role)
            source_profile = hop
            [profile hop]
            role_arn = \(otherRole)
            source_profile = base
            """)
        let resolved = try harness.resolve()
        XCTAssertEqual(try resolved.provider.credentials(deadline: Date().addingTimeInterval(5)).accessKeyId, "ASIAROLE2")
        XCTAssertEqual(harness.sts.calls.map(\.roleArn), [otherRole, role])
        XCTAssertEqual(harness.sts.calls.map(\.sourceKeyId), ["AKIABASE", "ASIAROLE1"], "each hop signs with the one before")
        XCTAssertEqual(harness.sts.calls.first?.durationSeconds, 3600)
        XCTAssertEqual(harness.sts.calls.first?.externalId, nil)
        XCTAssertTrue(harness.sts.calls.allSatisfy { $0.sessionName.hasPrefix("aws-userid-tagger-") })
        XCTAssertTrue(resolved.source.contains("role \(role) of profile 'ops'"), resolved.source)
    }

    func testASourceProfileWithKeysUsesThemEvenWithARoleOfItsOwn() throws {
        try home.write(".aws/credentials", "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = \(Marker.secret)\nrole_arn = \(otherRole)\nsource_profile = ops\n")
        let harness = try harness("[profile ops]\nrole_arn = \(role)\nsource_profile = base\n")
        _ = try harness.credentials()
        XCTAssertEqual(harness.sts.calls.map(\.roleArn), [role])
    }

    func testAProfileThatIsItsOwnSource() throws {
        try home.write(".aws/credentials", "[ops]\naws_access_key_id = AKIASELF\naws_secret_access_key = \(Marker.secret)\n")
        let harness = try harness("[profile ops]\nrole_arn = \(role)\nsource_profile = ops\n")
        _ = try harness.credentials()
        XCTAssertEqual(harness.sts.calls.map(\.sourceKeyId), ["AKIASELF"])
    }

    func testACycleIsAnError() throws {
        let harness = try harness("""
            [profile ops]
            role_arn = \(role)
            source_profile = a
            [profile a]
            role_arn = \(otherRole)
            source_profile = b
            [profile b]
            role_arn = \(otherRole)
            source_profile = ops
            """)
        XCTAssertEqual(harness.resolveError()?.description,
                       "AWS_PROFILE: profile 'ops' (\(home.path)/.aws/config) source_profile makes a cycle: 'ops' → 'a' → 'b' → 'ops'")
        XCTAssertEqual(harness.sts.calls, [], "nothing assumed")
    }

    func testAMissingSourceProfileAndOneWithoutCredentials() throws {
        var harness = try harness("[profile ops]\nrole_arn = \(role)\nsource_profile = gone\n")
        XCTAssertEqual(harness.resolveError()?.description, "AWS_PROFILE: profile 'gone' (the source_profile of profile 'ops') not found in "
                        + "\(home.path)/.aws/credentials or \(home.path)/.aws/config")
        harness = try self.harness("[profile ops]\nrole_arn = \(role)\nsource_profile = empty\n[profile empty]\nregion = eu-west-1\n")
        XCTAssertEqual(harness.resolveError()?.problem.hasSuffix("is the source_profile of profile 'ops' but has no credentials"), true)
    }

    func testSourceSettingsThatCannotWork() throws {
        let cases = [
            ("role_arn = \(role)\nsource_profile = base\ncredential_source = Environment", "has both source_profile and credential_source"),
            ("role_arn = \(role)", "has role_arn but neither source_profile nor credential_source"),
            ("role_arn = \(role)\ncredential_source = Laptop", "credential_source 'Laptop' is not Environment, Ec2InstanceMetadata or EcsContainer"),
            ("role_arn = not-an-arn\nsource_profile = base", "role_arn is not an ARN"),
            ("role_arn = \(role)\nsource_profile = base\nduration_seconds = 60", "duration_seconds '60' is not a whole number from 900 to 43200"),
            ("role_arn = \(role)\ncredential_source = Environment", "has credential_source Environment, but AWS_ACCESS_KEY_ID"),
            ("role_arn = \(role)\ncredential_source = Ec2InstanceMetadata", "has credential_source Ec2InstanceMetadata, but AWS_EC2_METADATA_DISABLED is true"),
            ("role_arn = \(role)\ncredential_source = EcsContainer", "has credential_source EcsContainer, but neither"),
            ("role_arn = \(role)\nweb_identity_token_file = /var/run/token", "uses web_identity_token_file, which is not supported"),
        ]
        for (settings, message) in cases {
            let error = try harness("[profile ops]\n\(settings)\n").resolveError()
            XCTAssertEqual(error?.problem.contains(message), true, "\(settings): \(String(describing: error))")
        }
    }

    func testMFASerialIsRefusedWithTheCommandThatWorks() throws {
        let harness = try harness("[profile ops]\nrole_arn = \(role)\nsource_profile = base\nmfa_serial = arn:aws:iam::111122223333:mfa/me\n")
        let error = harness.resolveError()
        XCTAssertEqual(error?.problem.contains("sets mfa_serial, and there is no one to type an MFA code here"), true, "\(error!)")
        XCTAssertEqual(error?.problem.contains("aws configure export-credentials --profile ops --format env"), true)
        XCTAssertEqual(harness.sts.calls, [])
    }

    func testCredentialSourceEcsContainerBehindASourceProfile() throws {
        // A role whose source is the container endpoint, itself the source_profile of another role.
        var harness = try harness("""
            [profile ops]
            role_arn = \(role)
            source_profile = env
            [profile env]
            role_arn = \(otherRole)
            credential_source = EcsContainer
            """)
        let server = try LoopbackServer([.json(endpointJSON(keyId: "ASIACONTAINER", expiration: Date().addingTimeInterval(3600)))])
        defer { server.stop() }
        harness.environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "\(server.url)/creds"
        _ = try harness.credentials()
        XCTAssertEqual(harness.sts.calls.map(\.sourceKeyId), ["ASIACONTAINER", "ASIAROLE1"])
        XCTAssertEqual(server.received.map(\.path), ["/creds"])
    }

    func testCredentialSourceEc2InstanceMetadata() throws {
        let server = try LoopbackServer([.text("imds-token"), .text("ProfileRole"),
                                         .json(endpointJSON(keyId: "ASIAINSTANCE", expiration: Date().addingTimeInterval(3600), code: "Success"))])
        defer { server.stop() }
        let harness = try harness("[profile ops]\nrole_arn = \(role)\ncredential_source = Ec2InstanceMetadata\n",
                                  environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.url])
        _ = try harness.credentials()
        XCTAssertEqual(harness.sts.calls.map(\.sourceKeyId), ["ASIAINSTANCE"])
    }

    func testAnAssumeRoleFailureFailsTheStartNamingTheRole() throws {
        let harness = try harness("[profile ops]\nrole_arn = \(role)\nsource_profile = base\n")
        harness.sts.failure = AWSError(code: .service("AccessDenied"), message: "not authorized to assume", httpStatus: 403,
                                       operation: "sts:AssumeRole")
        XCTAssertEqual(harness.resolveError()?.description,
                       "AWS_PROFILE: role \(role) of profile 'ops' (\(home.path)/.aws/config): sts:AssumeRole: AccessDenied: not authorized to assume (HTTP 403)")
    }

    func testAssumedRoleCredentialsAreRefreshedBeforeTheyExpire() throws {
        let clock = FakeClock(now: Date())
        var harness = try harness("[profile ops]\nrole_arn = \(role)\nsource_profile = base\nduration_seconds = 900\n")
        harness.clock = clock
        let provider = try harness.resolve().provider
        XCTAssertEqual(try provider.credentials(deadline: .distantFuture).accessKeyId, "ASIAROLE1")
        clock.advance(by: 590)
        XCTAssertEqual(try provider.credentials(deadline: .distantFuture).accessKeyId, "ASIAROLE1")
        clock.advance(by: 20)  // 290 s left: inside the 5 minutes
        XCTAssertEqual(try provider.credentials(deadline: .distantFuture).accessKeyId, "ASIAROLE2")
        XCTAssertEqual(harness.sts.calls.count, 2)
    }
}
