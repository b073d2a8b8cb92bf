import AWSQuery
import EC2
import Foundation
import HTTP
import Primitives
import STS
import SigV4
@testable import Tagger
import TestSupport
import XCTest

/// Central mode's wiring end to end over our real signer and Query clients:
/// only the HTTP side of AWS is faked. STS issues 15-minute credentials per
/// member role; IAM and EC2 answer per account, found from the signing key.
final class MemberAccountsTests: XCTestCase {
    private let clock = FakeClock(now: Date(timeIntervalSince1970: 1_795_600_000))  // 2026-11-25
    private var deadline: Date { clock.now.addingTimeInterval(10) }
    private lazy var aws = FakeAWSAccounts(clock: clock)
    private let accountA = "111111111111", accountB = "222222222222"

    private func makeTagger(externalId: String? = "org-external-id") throws -> TaggingService {
        let central = CentralMode(memberRole: "aws-userid-tagger/member", externalId: externalId, sessionName: "central-tagger-fn")
        let configuration = TaggerConfiguration(roleName: TestData.roleName, region: "eu-west-1", central: central)
        let endpoints = try EndpointResolver(environment: [:])
        let clock = clock, transport = aws
        func client(service: String, region: String, apiVersion: String, credentials: any CredentialsProvider) throws -> QueryClient {
            QueryClient(endpoint: try endpoints.endpoint(service: service, region: region), apiVersion: apiVersion,
                        credentials: credentials, transport: transport, clock: clock, unitRandom: { 0 })
        }
        let functionCredentials = StaticCredentialsProvider(Credentials(accessKeyId: "AKIDCENTRALFUNCTION", secretAccessKey: "central-secret"))
        let sts = STSClient(client: try client(service: "sts", region: "eu-west-1", apiVersion: STSClient.apiVersion,
                                               credentials: functionCredentials))
        let members = MemberAccounts(central: central, partition: .aws, region: "eu-west-1", sts: sts, clock: clock, queryClient: client)
        return TaggingService(configuration: configuration, clock: clock) { members.clients(account: $0!) }
    }

    private func launch(_ id: String, in account: String) throws -> Data {
        aws.instances[account, default: [:]][id] = "user-\(account.prefix(1))"
        return try TestData.envelope(TestData.runInstances(ids: [id], region: "\"eu-west-1\""), account: account)
    }

    func testAssumeRoleGoesToTheRegionalEndpointWithTheSessionNameAndExternalId() throws {
        _ = try makeTagger().handle(event: launch("i-0000000000000000a", in: accountA), deadline: deadline)
        let assume = try XCTUnwrap(aws.requests.first)
        XCTAssertEqual(assume.host, "sts.eu-west-1.amazonaws.com")
        XCTAssertTrue(assume.authorization.contains("Credential=AKIDCENTRALFUNCTION/20261125/eu-west-1/sts/aws4_request"), assume.authorization)
        XCTAssertEqual(assume.parameters["RoleArn"], "arn:aws:iam::111111111111:role/aws-userid-tagger/member")
        XCTAssertEqual(assume.parameters["RoleSessionName"], "central-tagger-fn")
        XCTAssertEqual(assume.parameters["ExternalId"], "org-external-id")
        XCTAssertEqual(aws.requests.map(\.summary), [
            "sts:AssumeRole by AKIDCENTRALFUNCTION",
            "iam:GetRole by ASIA111111111111N1", "ec2:DescribeInstances by ASIA111111111111N1", "ec2:CreateTags by ASIA111111111111N1",
        ])
        XCTAssertTrue(aws.requests.dropFirst().allSatisfy(\.hasSessionToken))
    }

    func testCredentialsAreReusedPerAccountAndRefreshedShortlyBeforeTheyExpire() throws {
        let tagger = try makeTagger(externalId: nil)
        _ = try tagger.handle(event: launch("i-0000000000000000a", in: accountA), deadline: deadline)
        _ = try tagger.handle(event: launch("i-0000000000000000b", in: accountB), deadline: deadline)
        clock.now = clock.now.addingTimeInterval(600)
        _ = try tagger.handle(event: launch("i-0000000000000001a", in: accountA), deadline: deadline)
        _ = try tagger.handle(event: launch("i-0000000000000001b", in: accountB), deadline: deadline)
        XCTAssertEqual(aws.assumedRoles, ["arn:aws:iam::111111111111:role/aws-userid-tagger/member",
                                          "arn:aws:iam::222222222222:role/aws-userid-tagger/member"],
                       "10 minutes into 15-minute credentials: still reused")
        XCTAssertNil(aws.requests[0].parameters["ExternalId"])

        // 13 minutes in: within the 2-minute margin, so the next call of each account refreshes first.
        clock.now = clock.now.addingTimeInterval(180)
        _ = try tagger.handle(event: launch("i-0000000000000002a", in: accountA), deadline: deadline)
        XCTAssertEqual(aws.assumedRoles.count, 3)
        XCTAssertEqual(aws.requests.suffix(3).map(\.summary), ["sts:AssumeRole by AKIDCENTRALFUNCTION",
                                                               "ec2:DescribeInstances by ASIA111111111111N3", "ec2:CreateTags by ASIA111111111111N3"],
                       "GetRole stays cached: only the credentials are new")
        XCTAssertEqual(aws.instances[accountA]?.count, 3)
        XCTAssertEqual(aws.tags[accountA]?["i-0000000000000002a"], "AROA111111111111USERS:user-1")
        XCTAssertEqual(aws.tags[accountB]?["i-0000000000000001b"], "AROA222222222222USERS:user-2")
    }
}

/// AWS's side for several accounts: STS hands out credentials whose key id
/// names the account, IAM and EC2 act in the account of the signing key.
final class FakeAWSAccounts: HTTPTransport {
    struct Request {
        var host: String
        var service: String
        var parameters: [String: String]
        var authorization: String
        var hasSessionToken: Bool
        var keyId: String { String(authorization.split(separator: "Credential=")[1].prefix { $0 != "/" }) }
        var summary: String { "\(service):\(parameters["Action"] ?? "") by \(keyId)" }
    }

    private(set) var requests: [Request] = []
    private(set) var assumedRoles: [String] = []
    /// account -> instance id -> CreatedBy.
    var instances: [String: [String: String]] = [:]
    /// account -> instance id -> AwsUserId written.
    private(set) var tags: [String: [String: String]] = [:]
    private var accountOfKey: [String: String] = [:]
    private let clock: FakeClock

    init(clock: FakeClock) { self.clock = clock }

    func send(_ request: HTTPRequest, timeout: Double?) throws(TransportError) -> HTTPResponse {
        let form = Dictionary(String(decoding: request.body, as: UTF8.self).split(separator: "&").map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? "" }
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }, uniquingKeysWith: { $1 })
        let authorization = request.headers["Authorization"] ?? ""
        let service = String(request.host.prefix { $0 != "." })
        let recorded = Request(host: request.host, service: service, parameters: form, authorization: authorization,
                               hasSessionToken: request.headers["X-Amz-Security-Token"] != nil)
        requests.append(recorded)
        switch form["Action"] {
        case "AssumeRole":
            let arn = form["RoleArn"]!
            assumedRoles.append(arn)
            let account = String(arn.split(separator: ":", omittingEmptySubsequences: false)[4])
            let keyId = "ASIA\(account)N\(assumedRoles.count)"
            accountOfKey[keyId] = account
            let expiration = ISO8601DateFormatter().string(from: clock.now.addingTimeInterval(900))
            return Self.xml("<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>\(keyId)</AccessKeyId>"
                + "<SecretAccessKey>secret-\(keyId)</SecretAccessKey><SessionToken>token-\(keyId)</SessionToken>"
                + "<Expiration>\(expiration)</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>")
        case "GetRole":
            let account = accountOfKey[recorded.keyId]!
            return Self.xml("<GetRoleResponse><GetRoleResult><Role><RoleName>\(form["RoleName"]!)</RoleName>"
                + "<RoleId>AROA\(account)USERS</RoleId><Arn>arn:aws:iam::\(account):role/\(form["RoleName"]!)</Arn></Role></GetRoleResult></GetRoleResponse>")
        case "DescribeInstances":
            let account = accountOfKey[recorded.keyId]!
            let items = form.filter { $0.key.hasPrefix("InstanceId.") }.values.sorted().map { id in
                "<item><instancesSet><item><instanceId>\(id)</instanceId><instanceState><name>running</name></instanceState>"
                    + "<tagSet><item><key>CreatedBy</key><value>\(instances[account]![id]!)</value></item></tagSet></item></instancesSet></item>"
            }
            return Self.xml("<DescribeInstancesResponse><reservationSet>\(items.joined())</reservationSet></DescribeInstancesResponse>")
        case "CreateTags":
            let account = accountOfKey[recorded.keyId]!
            tags[account, default: [:]][form["ResourceId.1"]!] = form["Tag.1.Value"]
            return Self.xml("<CreateTagsResponse><return>true</return></CreateTagsResponse>")
        default:
            return HTTPResponse(status: 400, headers: HTTPHeaders([]), body: Array("<Response><Errors><Error><Code>InvalidAction</Code></Error></Errors></Response>".utf8))
        }
    }

    private static func xml(_ body: String) -> HTTPResponse {
        HTTPResponse(status: 200, headers: HTTPHeaders([("Content-Type", "text/xml")]), body: Array(body.utf8))
    }
}
