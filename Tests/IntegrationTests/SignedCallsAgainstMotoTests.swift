import AWSQuery
import CurlHTTP
import EC2
import Foundation
import IAM
import Primitives
import SigV4
import XCTest

/// Our signer, transport and Query clients against a moto that verifies signatures.
final class SignedCallsAgainstMotoTests: XCTestCase {
    // One server for the whole class: starting moto costs about a second.
    nonisolated(unsafe) private static var server: Result<MotoServer, Error>?
    private var moto: MotoServer!
    private let clock = SystemClock()

    override func setUpWithError() throws {
        if Self.server == nil { Self.server = Result { try MotoServer() } }
        moto = try Self.server!.get()
    }

    override class func tearDown() {
        if case .success(let moto) = server { moto.stop() }
        server = nil
    }

    private func queryClient(_ service: String, apiVersion: String, secret: String? = nil) throws -> QueryClient {
        let endpoint = try EndpointResolver(environment: ["AWS_ENDPOINT_URL": moto.endpoint]).endpoint(service: service, region: "us-east-1")
        let credentials = Credentials(accessKeyId: moto.accessKeyId, secretAccessKey: secret ?? moto.secretAccessKey)
        return QueryClient(endpoint: endpoint, apiVersion: apiVersion, credentials: StaticCredentialsProvider(credentials),
                           transport: CurlTransport(), clock: clock, retryPolicy: RetryPolicy(maxAttempts: 1))
    }

    private var deadline: Date { Date().addingTimeInterval(20) }

    func testGetRoleDescribeCreateTagsDescribeDeleteTags() throws {
        let iamQuery = try queryClient("iam", apiVersion: IAMClient.apiVersion)
        let ec2Query = try queryClient("ec2", apiVersion: EC2Client.apiVersion)
        let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:saml-provider/Okta"},"Action":"sts:AssumeRoleWithSAML"}]}"#
        _ = try iamQuery.send(action: "CreateRole", parameters: [("RoleName", "Okta-ServiceWorkbenchUser"), ("AssumeRolePolicyDocument", trust)], deadline: deadline)
        let launched = try ec2Query.send(action: "RunInstances", parameters: [
            ("ImageId", "ami-12c6146b"), ("MinCount", "2"), ("MaxCount", "2"), ("InstanceType", "t3.micro"),
            ("TagSpecification.1.ResourceType", "instance"),
            ("TagSpecification.1.Tag.1.Key", "CreatedBy"), ("TagSpecification.1.Tag.1.Value", "tim.malone@example.org"),
        ], deadline: deadline)
        let ids = launched.firstDescendant("instancesSet")!.children("item").compactMap { $0.child("instanceId")?.text }
        XCTAssertEqual(ids.count, 2)

        let role = try IAMClient(client: iamQuery).getRole(name: "Okta-ServiceWorkbenchUser", deadline: deadline)
        XCTAssertTrue(role.roleId.hasPrefix("AROA"), role.roleId)
        XCTAssertEqual(role.arn, "arn:aws:iam::123456789012:role/Okta-ServiceWorkbenchUser")

        let ec2 = EC2Client(client: ec2Query)
        let before = try ec2.describeInstances(ids: ids, deadline: deadline)
        XCTAssertEqual(before.map(\.instanceId).sorted(), ids.sorted())
        XCTAssertEqual(before.map { $0.tags["CreatedBy"] }, ["tim.malone@example.org", "tim.malone@example.org"])
        XCTAssertEqual(before.map { $0.tags["AwsUserId"] }, [nil, nil])

        let value = "\(role.roleId):tim.malone@example.org"
        try ec2.createTags(resourceIds: ids, tags: [Tag(key: "AwsUserId", value: value)], dryRun: false, deadline: deadline)
        let after = try ec2.describeInstances(ids: ids, deadline: deadline)
        XCTAssertEqual(after.map { $0.tags["AwsUserId"] }, [value, value])

        var pages: [[Instance]] = []
        try ec2.describeInstances(filters: [Filter(name: "tag:CreatedBy", values: ["tim.malone@example.org"])], pageSize: 5, deadline: deadline) {
            pages.append($0)
        }
        XCTAssertEqual(pages.flatMap { $0 }.map(\.instanceId).sorted(), ids.sorted())

        // A value with spaces and reserved characters is signed as sent.
        let spaced = "carol o'brien + co/x"
        try ec2.createTags(resourceIds: ids, tags: [Tag(key: "Note", value: spaced)], dryRun: false, deadline: deadline)
        XCTAssertEqual(try ec2.describeInstances(ids: ids, deadline: deadline).map { $0.tags["Note"] }, [spaced, spaced])

        // DeleteTags removes a tag only while it holds the value named.
        try ec2.deleteTags(resourceIds: ids, tags: [Tag(key: "AwsUserId", value: "\(role.roleId):someone.else")], dryRun: false, deadline: deadline)
        XCTAssertEqual(try ec2.describeInstances(ids: ids, deadline: deadline).map { $0.tags["AwsUserId"] }, [value, value])
        try ec2.deleteTags(resourceIds: ids, tags: [Tag(key: "AwsUserId", value: value)], dryRun: false, deadline: deadline)
        let revoked = try ec2.describeInstances(ids: ids, deadline: deadline)
        XCTAssertEqual(revoked.map { $0.tags["AwsUserId"] }, [nil, nil])
        XCTAssertEqual(revoked.map { $0.tags["CreatedBy"] }, ["tim.malone@example.org", "tim.malone@example.org"])
    }

    func testPaginationFollowsNextToken() throws {
        let ec2Query = try queryClient("ec2", apiVersion: EC2Client.apiVersion)
        // moto pages by reservation: seven launches make seven reservations.
        for _ in 1...7 {
            _ = try ec2Query.send(action: "RunInstances", parameters: [
                ("ImageId", "ami-12c6146b"), ("MinCount", "1"), ("MaxCount", "1"),
                ("TagSpecification.1.ResourceType", "instance"),
                ("TagSpecification.1.Tag.1.Key", "Paging"), ("TagSpecification.1.Tag.1.Value", "yes"),
            ], deadline: deadline)
        }
        var pageSizes: [Int] = []
        try EC2Client(client: ec2Query).describeInstances(filters: [Filter(name: "tag:Paging", values: ["yes"])], pageSize: 5, deadline: deadline) {
            pageSizes.append($0.count)
        }
        XCTAssertEqual(pageSizes, [5, 2])
        XCTAssertEqual(pageSizes.reduce(0, +), 7)
    }

    func testAWrongSecretFailsWithTheServersSignatureError() throws {
        let ec2 = EC2Client(client: try queryClient("ec2", apiVersion: EC2Client.apiVersion, secret: "wrong-secret"))
        XCTAssertThrowsError(try ec2.describeInstances(ids: ["i-0123456789abcdef0"], deadline: deadline)) {
            let error = $0 as! AWSError
            XCTAssertEqual(error.code, .service("AuthFailure"))
            XCTAssertEqual(error.httpStatus, 401)
            XCTAssertFalse("\(error)".contains("wrong-secret"))
        }
        let iam = IAMClient(client: try queryClient("iam", apiVersion: IAMClient.apiVersion, secret: "wrong-secret"))
        XCTAssertThrowsError(try iam.getRole(name: "Okta-ServiceWorkbenchUser", deadline: deadline)) {
            XCTAssertEqual(($0 as! AWSError).code, .service("SignatureDoesNotMatch"))
        }
    }
}
