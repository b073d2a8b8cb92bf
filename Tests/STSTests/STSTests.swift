import AWSQuery
import Foundation
import HTTP
import STS
import SigV4
import TestSupport
import XCTest

/// AssumeRole written from the AWS STS API reference's example response (real AWS shape).
private let assumeRoleResponse = """
<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>DevUser123</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/John</Arn>
      <AssumedRoleId>ARO123EXAMPLE123:John</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==</SessionToken>
      <Expiration>2019-11-09T13:34:41Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>
"""

final class STSTests: XCTestCase {
    private func client(_ transport: ScriptedTransport, clock: FakeClock) -> STSClient {
        STSClient(client: .scripted(service: "sts", region: "eu-west-1", apiVersion: STSClient.apiVersion,
                                    transport: transport, clock: clock, accessKeyId: "AKIDFUNCTION"))
    }

    func testAssumeRoleSendsTheQueryAndReadsTheCredentials() throws {
        let clock = FakeClock()
        let transport = ScriptedTransport([.response(.xml(200, assumeRoleResponse))])
        let credentials = try client(transport, clock: clock).assumeRole(
            roleArn: "arn:aws:iam::111111111111:role/aws-userid-tagger-member", sessionName: "aws-userid-tagger",
            externalId: "ext-1", durationSeconds: 900, deadline: clock.now + 10)

        XCTAssertEqual(credentials.accessKeyId, "ASIAIOSFODNN7EXAMPLE")
        XCTAssertEqual(credentials.secretAccessKey, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY")
        XCTAssertTrue(credentials.sessionToken?.hasPrefix("AQoDYXdzEPT//") ?? false)
        XCTAssertEqual(credentials.expiration, Date(timeIntervalSince1970: 1_573_306_481))
        XCTAssertEqual(transport.formParameters(0).map { "\($0.0)=\($0.1)" }, [
            "Action=AssumeRole", "Version=2011-06-15", "RoleArn=arn:aws:iam::111111111111:role/aws-userid-tagger-member",
            "RoleSessionName=aws-userid-tagger", "DurationSeconds=900", "ExternalId=ext-1",
        ])
        XCTAssertTrue(transport.requests[0].headers["Authorization"]!.contains("/eu-west-1/sts/aws4_request"))
        XCTAssertFalse("\(credentials)".contains("wJalrXUtnFEMI"))
    }

    func testADeniedAssumeRoleIsFinalAndNamesTheRole() {
        let clock = FakeClock()
        let denied = HTTPResponse.xml(403, """
            <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code>\
            <Message>User: arn:aws:sts::999999999999:assumed-role/tagger/fn is not authorized to perform: sts:AssumeRole on resource: \
            arn:aws:iam::111111111111:role/aws-userid-tagger-member</Message></Error><RequestId>r-1</RequestId></ErrorResponse>
            """)
        let transport = ScriptedTransport([.response(denied)])
        XCTAssertThrowsError(try client(transport, clock: clock).assumeRole(
            roleArn: "arn:aws:iam::111111111111:role/aws-userid-tagger-member", sessionName: "s", externalId: nil,
            durationSeconds: 900, deadline: clock.now + 10)) {
            let error = $0 as! AWSError
            XCTAssertEqual(error.code, .service("AccessDenied"))
            XCTAssertTrue(error.message.contains("111111111111"))
        }
        XCTAssertEqual(transport.requests.count, 1)
    }

    func testAResponseWithoutCredentialsIsInvalid() {
        let clock = FakeClock()
        let transport = ScriptedTransport([.response(.xml(200, "<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>"))])
        XCTAssertThrowsError(try client(transport, clock: clock).assumeRole(
            roleArn: "arn:aws:iam::1:role/r", sessionName: "s", externalId: nil, durationSeconds: 900, deadline: clock.now + 10)) {
            XCTAssertEqual(($0 as! AWSError).code, AWSError.Code.invalidResponse)
        }
    }
}

/// Records AssumeRole calls and hands out numbered credentials valid for 15 minutes.
private final class CountingSTS: STSAPI {
    var calls = 0
    let clock: FakeClock
    init(clock: FakeClock) { self.clock = clock }

    func assumeRole(roleArn: String, sessionName: String, externalId: String?, durationSeconds: Int,
                    deadline: Date) throws(AWSError) -> Credentials {
        calls += 1
        return Credentials(accessKeyId: "ASIA\(calls)", secretAccessKey: "s\(calls)", sessionToken: "t\(calls)",
                           expiration: clock.now.addingTimeInterval(Double(durationSeconds)))
    }
}

final class AssumedRoleSourceTests: XCTestCase {
    /// Central mode's member-role credentials: 15-minute sessions, renewed
    /// 2 minutes before they end, so a warm container assumes each member role
    /// about every 13 minutes.
    func testMemberRoleCredentialsAreReusedUntilShortlyBeforeTheyExpire() throws {
        let clock = FakeClock()
        let sts = CountingSTS(clock: clock)
        let source = AssumedRoleSource(sts: sts, roleArn: "arn:aws:iam::111111111111:role/m", sessionName: "s", durationSeconds: 900)
        XCTAssertEqual(source.name, "role arn:aws:iam::111111111111:role/m")
        let provider = RefreshingCredentialsProvider(source: source, clock: clock, advisoryMargin: 120)
        XCTAssertEqual(try provider.credentials(deadline: clock.now + 5).accessKeyId, "ASIA1")
        clock.advance(by: 700)
        XCTAssertEqual(try provider.credentials(deadline: clock.now + 5).accessKeyId, "ASIA1")
        XCTAssertEqual(sts.calls, 1)
        clock.advance(by: 90)  // 790 s: within the 120 s margin of the 900 s lifetime
        XCTAssertEqual(try provider.credentials(deadline: clock.now + 5).accessKeyId, "ASIA2")
        XCTAssertEqual(sts.calls, 2)
    }
}
