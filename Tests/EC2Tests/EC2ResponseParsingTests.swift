import AWSQuery
@testable import EC2
import Foundation
import HTTP
import XCTest
import XML

/// DescribeInstances bodies from moto, from real AWS (recorded by botocore,
/// libcloud, jclouds) and in AWS's documented layout all read to the same
/// values, streamed as they are read from the tree.
final class EC2ResponseParsingTests: XCTestCase {
    static let fixtures = [
        "moto-describe-instances-by-id.xml", "moto-describe-instances-page1.xml", "moto-describe-instances-page2.xml",
        "aws-describe-instances-by-id.xml", "aws-describe-instances-page1.xml", "aws-describe-instances-page2.xml",
        "botocore-describe-instances.xml", "libcloud-describe-instances.xml", "jclouds-describe-instances-latest.xml",
        "jclouds-describe-instances-18.xml", "jclouds-describe-instances-empty.xml",
    ]

    private func instances(_ name: String) throws -> [Instance] {
        try DescribeInstancesPage.read(fixture(name)).instances
    }

    private func nextToken(_ name: String) throws -> String? {
        try DescribeInstancesPage.read(fixture(name)).nextToken
    }

    func testTheStreamReadsWhatTheTreeHolds() throws {
        for name in Self.fixtures {
            let body = try fixture(name)
            XCTAssertEqual(try DescribeInstancesPage.read(body), try TreeOracle.page(XMLReader.parse(body)), name)
        }
    }

    func testOnlyTheTagsAskedForAreKept() throws {
        let page = try DescribeInstancesPage.read(fixture("aws-describe-instances-by-id.xml"), keepingTags: ["CreatedBy", "AwsUserId"])
        XCTAssertEqual(page.instances.map(\.tags), [["CreatedBy": "tim.malone"], [:]])
    }

    func testTheFirstOfRepeatedElementsCountsAndNestedItemsAreNotInstances() throws {
        let body = Array("""
            <DescribeInstancesResponse><reservationSet><item><instancesSet>
            <item><instanceId>i-1</instanceId><instanceId>i-2</instanceId><instanceState><name>running</name><name>x</name></instanceState>
            <groupSet><item><groupId>sg-1</groupId></item></groupSet>
            <networkInterfaceSet><item><instancesSet><item><instanceId>i-nested</instanceId></item></instancesSet></item></networkInterfaceSet>
            <tagSet><item><key>A</key><value>1</value></item><item><key>A</key><value>2</value></item><item><value>no key</value></item>
            <item><key>B</key></item></tagSet><tagSet><item><key>C</key><value>3</value></item></tagSet></item>
            <item><instanceId></instanceId></item>
            </instancesSet></item></reservationSet><reservationSet><item><instancesSet><item><instanceId>i-3</instanceId></item>
            </instancesSet></item></reservationSet><nextToken></nextToken></DescribeInstancesResponse>
            """.utf8)
        let page = try DescribeInstancesPage.read(body)
        XCTAssertEqual(page, DescribeInstancesPage(instances: [Instance(instanceId: "i-1", state: "running", tags: ["A": "2", "B": ""])],
                                                   nextToken: nil))
        XCTAssertEqual(page, try TreeOracle.page(XMLReader.parse(body)))
    }

    func testThePagesLimitsAreTheReadersWithRoomForAThousandInstances() {
        XCTAssertEqual(DescribeInstancesPage.limits.maxDepth, XMLLimits.default.maxDepth)
        XCTAssertGreaterThanOrEqual(DescribeInstancesPage.limits.maxDocumentSize, 1000 * 10_000)
        let doctype = Array("<!DOCTYPE r [<!ENTITY a \"x\">]><DescribeInstancesResponse>&a;</DescribeInstancesResponse>".utf8)
        XCTAssertThrowsError(try DescribeInstancesPage.read(doctype)) { XCTAssertEqual(($0 as? XMLError)?.kind, .doctype) }
        let deep = Array((String(repeating: "<a>", count: 65) + String(repeating: "</a>", count: 65)).utf8)
        XCTAssertThrowsError(try DescribeInstancesPage.read(deep)) { XCTAssertEqual(($0 as? XMLError)?.kind, .tooDeep) }
        let big = [UInt8](repeating: UInt8(ascii: " "), count: DescribeInstancesPage.limits.maxDocumentSize + 1)
        XCTAssertThrowsError(try DescribeInstancesPage.read(big)) { XCTAssertEqual(($0 as? XMLError)?.kind, .tooLarge) }
        XCTAssertEqual(DescribeInstancesPage.limits.maxTextSize, XMLLimits.default.maxTextSize)
        let longText = Array(("<DescribeInstancesResponse><requestId>" + String(repeating: "x", count: 10 << 20)
                              + "</requestId></DescribeInstancesResponse>").utf8)
        XCTAssertThrowsError(try DescribeInstancesPage.read(longText)) { XCTAssertEqual(($0 as? XMLError)?.kind, .tooLarge) }
    }

    func testMotoAndAWSLayoutsReadToTheSameInstances() throws {
        for page in ["by-id", "page1", "page2"] {
            let moto = try instances("moto-describe-instances-\(page).xml")
            XCTAssertFalse(moto.isEmpty, page)
            XCTAssertEqual(moto, try instances("aws-describe-instances-\(page).xml"), page)
            XCTAssertEqual(try nextToken("moto-describe-instances-\(page).xml"),
                           try nextToken("aws-describe-instances-\(page).xml"), page)
        }
    }

    func testTagsKeepEmptyValuesAndEscapedCharacters() throws {
        let described = try instances("aws-describe-instances-by-id.xml")
        XCTAssertEqual(described.map(\.state), ["running", "running"])
        XCTAssertEqual(described.first?.tags, ["CreatedBy": "tim.malone", "Empty": "", "Name": "Tim's <box> & \"co\""])
        XCTAssertEqual(described.last?.tags, [:], "an instance without tagSet has no tags")
    }

    func testPagesSplitAtMaxResultsWithATokenOnlyOnTheFirst() throws {
        let first = try instances("moto-describe-instances-page1.xml")
        let second = try instances("moto-describe-instances-page2.xml")
        XCTAssertEqual(first.count, 5)
        XCTAssertEqual(second.count, 1)
        XCTAssertEqual(Set((first + second).map(\.instanceId)).count, 6)
        XCTAssertTrue((first + second).allSatisfy { $0.tags["CreatedBy"] != nil })
        XCTAssertEqual(try nextToken("aws-describe-instances-page1.xml")?.hasPrefix("r-"), true)
        XCTAssertNil(try nextToken("aws-describe-instances-page2.xml"))
    }

    /// botocore's own parse of the same body is the oracle.
    func testBotocoreRecordingMatchesBotocoresParse() throws {
        let oracle = try JSONSerialization.jsonObject(with: Data(fixture("botocore-describe-instances.json"))) as! [String: Any]
        var expected: [Instance] = []
        for reservation in oracle["Reservations"] as! [[String: Any]] {
            for instance in reservation["Instances"] as! [[String: Any]] {
                let tags = (instance["Tags"] as? [[String: String]] ?? []).reduce(into: [String: String]()) { $0[$1["Key"]!] = $1["Value"]! }
                expected.append(Instance(instanceId: instance["InstanceId"] as! String,
                                         state: (instance["State"] as! [String: Any])["Name"] as! String, tags: tags))
            }
        }
        XCTAssertEqual(expected.count, 2)
        XCTAssertEqual(try instances("botocore-describe-instances.xml"), expected)
    }

    func testLibcloudRecordingWithEmptyTagSetAndValuesWithSpaces() throws {
        XCTAssertEqual(try instances("libcloud-describe-instances.xml"), [
            Instance(instanceId: "i-4382922a", state: "stopped", tags: [:]),
            Instance(instanceId: "i-8474834a", state: "stopped", tags: ["Name": "Test Server 2", "Group": "VPC Test"]),
        ])
    }

    func testJcloudsRecordings() throws {
        let latest = try instances("jclouds-describe-instances-latest.xml")
        XCTAssertEqual(latest.map(\.instanceId), ["i-911444f0", "i-931444f2"])
        XCTAssertEqual(latest.first { $0.tags["Empty"] != nil }?.tags["Empty"], "", "<value /> is an empty value")

        let big = try instances("jclouds-describe-instances-18.xml")
        XCTAssertEqual(big.count, 18)
        XCTAssertEqual(big.filter { $0.state == "running" }.count, 2)
        XCTAssertTrue(big.allSatisfy { $0.instanceId.hasPrefix("i-") && $0.tags.isEmpty })

        XCTAssertEqual(try instances("jclouds-describe-instances-empty.xml"), [])
    }
}
