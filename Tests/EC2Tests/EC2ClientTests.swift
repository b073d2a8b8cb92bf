import AWSQuery
import EC2
import Foundation
import HTTP
import TestSupport
import XCTest
import XML

/// EC2Client end to end through QueryClient and the signer, against a
/// scripted transport answering with recorded bodies.
final class EC2ClientTests: XCTestCase {
    private let clock = FakeClock()

    private func client(_ transport: ScriptedTransport) -> EC2Client {
        EC2Client(client: .scripted(service: "ec2", region: "eu-west-1", apiVersion: EC2Client.apiVersion,
                                    transport: transport, clock: clock))
    }

    private func response(_ status: Int, _ name: String) throws -> ScriptedTransport.Outcome {
        .response(HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", "text/xml;charset=UTF-8")]), body: try fixture(name)))
    }

    private func form(_ transport: ScriptedTransport, _ index: Int) -> [String] {
        transport.formParameters(index).map { "\($0)=\($1)" }
    }

    func testDescribeInstancesByIdSendsEveryIdWithoutMaxResults() throws {
        let transport = ScriptedTransport([try response(200, "aws-describe-instances-by-id.xml")])
        let instances = try client(transport).describeInstances(ids: ["i-0baacd47ff1094302", "i-2"], deadline: clock.now + 10)

        XCTAssertEqual(instances.count, 2)
        XCTAssertEqual(instances.first?.tags["CreatedBy"], "tim.malone")
        XCTAssertEqual(form(transport, 0), ["Action=DescribeInstances", "Version=2016-11-15",
                                            "InstanceId.1=i-0baacd47ff1094302", "InstanceId.2=i-2"])
        let request = try XCTUnwrap(transport.requests.first)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.url, "https://ec2.eu-west-1.amazonaws.com/")
        XCTAssertEqual(request.headers["Content-Type"], "application/x-www-form-urlencoded; charset=utf-8")
        XCTAssertTrue(request.headers["Authorization"]?.contains("/eu-west-1/ec2/aws4_request") == true)
    }

    func testDescribeInstancesWithoutIdsSendsNothing() throws {
        let transport = ScriptedTransport([])
        XCTAssertEqual(try client(transport).describeInstances(ids: [], deadline: clock.now + 10), [])
        XCTAssertEqual(transport.requests.count, 0)
    }

    func testFilteredDescribeFollowsNextTokenOverTwoPages() throws {
        for layout in ["moto", "aws"] {
            let transport = ScriptedTransport([try response(200, "\(layout)-describe-instances-page1.xml"),
                                               try response(200, "\(layout)-describe-instances-page2.xml")])
            var pages: [[Instance]] = []
            try client(transport).describeInstances(
                filters: [Filter(name: "tag-key", values: ["CreatedBy"]), Filter(name: "instance-state-name", values: ["pending", "running"])],
                pageSize: 5, deadline: clock.now + 10) { pages.append($0) }

            XCTAssertEqual(pages.map(\.count), [5, 1], layout)
            let query = ["Action=DescribeInstances", "Version=2016-11-15", "MaxResults=5",
                         "Filter.1.Name=tag-key", "Filter.1.Value.1=CreatedBy",
                         "Filter.2.Name=instance-state-name", "Filter.2.Value.1=pending", "Filter.2.Value.2=running"]
            XCTAssertEqual(form(transport, 0), query, layout)
            XCTAssertEqual(form(transport, 1), query + ["NextToken=r-d8689b40d181898fb"], layout)
        }
    }

    func testPageSizeIsClampedToWhatEC2Accepts() throws {
        for (asked, sent) in [(1, "5"), (5000, "1000")] {
            let transport = ScriptedTransport([try response(200, "aws-describe-instances-page2.xml")])
            try client(transport).describeInstances(filters: [], pageSize: asked, deadline: clock.now + 10) { _ in }
            XCTAssertEqual(form(transport, 0), ["Action=DescribeInstances", "Version=2016-11-15", "MaxResults=\(sent)"])
        }
    }

    func testAnOpaqueNextTokenIsSentBackPercentEncoded() throws {
        let token = "Qj9iZzP9+ab/cd=="
        let transport = ScriptedTransport([
            .response(.xml(200, "<DescribeInstancesResponse><reservationSet/><nextToken>\(token)</nextToken></DescribeInstancesResponse>")),
            .response(.xml(200, "<DescribeInstancesResponse><reservationSet/></DescribeInstancesResponse>")),
        ])
        try client(transport).describeInstances(filters: [], pageSize: 1000, deadline: clock.now + 10) { _ in }
        XCTAssertTrue(String(decoding: transport.requests[1].body, as: UTF8.self).hasSuffix("&NextToken=Qj9iZzP9%2Bab%2Fcd%3D%3D"))
    }

    func testARepeatedNextTokenStopsPagination() throws {
        let page = "<DescribeInstancesResponse><reservationSet/><nextToken>same</nextToken></DescribeInstancesResponse>"
        let transport = ScriptedTransport([.response(.xml(200, page)), .response(.xml(200, page))])
        XCTAssertThrowsError(try client(transport).describeInstances(filters: [], pageSize: 1000, deadline: clock.now + 10) { _ in }) {
            XCTAssertEqual(($0 as? AWSError)?.code, AWSError.Code.invalidResponse)
        }
        XCTAssertEqual(transport.requests.count, 2)
    }

    func testCreateTagsSendsResourcesAndTagsAndAcceptsBothLayouts() throws {
        for name in ["aws-create-tags.xml", "moto-create-tags.xml", "libcloud-create-tags.xml"] {
            let transport = ScriptedTransport([try response(200, name)])
            try client(transport).createTags(resourceIds: ["i-1", "i-2"],
                                             tags: [Tag(key: "AwsUserId", value: "AROARZPUZDIKNCACDXBBN:tim.malone")],
                                             deadline: clock.now + 10)
            XCTAssertEqual(form(transport, 0), ["Action=CreateTags", "Version=2016-11-15", "ResourceId.1=i-1", "ResourceId.2=i-2",
                                                "Tag.1.Key=AwsUserId", "Tag.1.Value=AROARZPUZDIKNCACDXBBN:tim.malone"], name)
            XCTAssertTrue(String(decoding: transport.requests[0].body, as: UTF8.self).contains("Tag.1.Value=AROARZPUZDIKNCACDXBBN%3Atim.malone"))
        }
    }

    func testDeleteTagsNamesTheValueToRemoveAndAcceptsBothLayouts() throws {
        for name in ["aws-delete-tags.xml", "moto-delete-tags.xml"] {
            let transport = ScriptedTransport([try response(200, name)])
            try client(transport).deleteTags(resourceIds: ["i-1", "i-2"],
                                             tags: [Tag(key: "AwsUserId", value: "AROARZPUZDIKNCACDXBBN:tim.malone"), Tag(key: "AwsUserIdLaunchedBy", value: "")],
                                             deadline: clock.now + 10)
            XCTAssertEqual(form(transport, 0), ["Action=DeleteTags", "Version=2016-11-15", "ResourceId.1=i-1", "ResourceId.2=i-2",
                                                "Tag.1.Key=AwsUserId", "Tag.1.Value=AROARZPUZDIKNCACDXBBN:tim.malone",
                                                "Tag.2.Key=AwsUserIdLaunchedBy", "Tag.2.Value="], name)
        }
    }

    func testDeleteTagsNeverDeletesEveryTag() throws {
        // Without a tag, EC2's DeleteTags removes all tags of the resources.
        let transport = ScriptedTransport([])
        try client(transport).deleteTags(resourceIds: ["i-1"], tags: [], deadline: clock.now + 10)
        try client(transport).deleteTags(resourceIds: [], tags: [Tag(key: "AwsUserId", value: "x")], deadline: clock.now + 10)
        XCTAssertEqual(transport.requests.count, 0)
    }

    func testDeleteTagsDryRun() throws {
        let transport = ScriptedTransport([try response(412, "moto-delete-tags-dry-run.xml")])
        try client(transport).deleteTags(resourceIds: ["i-1"], tags: [Tag(key: "AwsUserId", value: "A:b")], dryRun: true, deadline: clock.now + 10)
        XCTAssertEqual(form(transport, 0).last, "DryRun=true")
        let ignored = ScriptedTransport([try response(200, "aws-delete-tags.xml")])
        XCTAssertThrowsError(try client(ignored).deleteTags(resourceIds: ["i-1"], tags: [Tag(key: "k", value: "v")], dryRun: true,
                                                            deadline: clock.now + 10)) {
            XCTAssertEqual(($0 as? AWSError)?.code, .dryRunIgnored)
            XCTAssertEqual(($0 as? AWSError)?.operation, "ec2:DeleteTags")
        }
    }

    func testCreateTagsWithNothingToWriteSendsNothing() throws {
        let transport = ScriptedTransport([])
        try client(transport).createTags(resourceIds: [], tags: [Tag(key: "k", value: "v")], deadline: clock.now + 10)
        try client(transport).createTags(resourceIds: ["i-1"], tags: [], deadline: clock.now + 10)
        XCTAssertEqual(transport.requests.count, 0)
    }

    func testDryRunOperationIsSuccess() throws {
        for name in ["jclouds-dry-run.xml", "moto-create-tags-dry-run.xml"] {
            let transport = ScriptedTransport([try response(412, name)])
            try client(transport).createTags(resourceIds: ["i-1"], tags: [Tag(key: "AwsUserId", value: "A:b")], dryRun: true,
                                             deadline: clock.now + 10)
            XCTAssertEqual(form(transport, 0).last, "DryRun=true", name)
            XCTAssertEqual(transport.requests.count, 1, name)
        }
    }

    func testDryRunOperationWithoutDryRunIsAnError() throws {
        let transport = ScriptedTransport([try response(412, "jclouds-dry-run.xml")])
        XCTAssertThrowsError(try client(transport).createTags(resourceIds: ["i-1"], tags: [Tag(key: "k", value: "v")], deadline: clock.now + 10)) {
            XCTAssertEqual(($0 as? AWSError)?.code, .service("DryRunOperation"))
        }
        XCTAssertFalse(form(transport, 0).contains("DryRun=true"))
    }

    func testADryRunThatWroteTagsIsReported() throws {
        let transport = ScriptedTransport([try response(200, "aws-create-tags.xml")])
        XCTAssertThrowsError(try client(transport).createTags(resourceIds: ["i-1"], tags: [Tag(key: "k", value: "v")], dryRun: true,
                                                              deadline: clock.now + 10)) {
            XCTAssertEqual(($0 as? AWSError)?.code, .dryRunIgnored)
        }
    }

    func testServiceErrorsCarryCodeMessageRequestIdAndStatus() throws {
        let transport = ScriptedTransport([try response(400, "moto-describe-instances-not-found.xml")])
        XCTAssertThrowsError(try client(transport).describeInstances(ids: ["i-0123456789abcdef0"], deadline: clock.now + 10)) {
            let error = $0 as! AWSError
            XCTAssertEqual(error.code, .service("InvalidInstanceID.NotFound"))
            XCTAssertEqual(error.message, "The instance ID 'i-0123456789abcdef0' does not exist")
            XCTAssertEqual(error.requestId, "request-id")
            XCTAssertEqual(error.httpStatus, 400)
            XCTAssertEqual(error.operation, "ec2:DescribeInstances")
        }
    }
}
