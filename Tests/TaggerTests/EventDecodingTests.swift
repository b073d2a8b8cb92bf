import EC2
import Foundation
@testable import Tagger
import XCTest

final class EventDecodingTests: XCTestCase {
    private func decode(_ data: Data) throws -> TaggerEvent { try TaggerEvent.decode(data) }

    private func record(of event: TaggerEvent, file: StaticString = #filePath, line: UInt = #line) -> CloudTrailRecord? {
        guard case .apiCall(let record) = event else {
            XCTFail("expected an API call, got \(event)", file: file, line: line)
            return nil
        }
        return record
    }

    private func assertInvalid(_ data: Data, mentions expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try decode(data), file: file, line: line) { error in
            guard let error = error as? TaggerError else { return XCTFail("not a TaggerError: \(error)", file: file, line: line) }
            XCTAssertEqual(error.errorType, "InvalidEvent", file: file, line: line)
            XCTAssertEqual(error.kind, .invalidEvent, file: file, line: line)
            XCTAssertTrue(error.message.contains(expected), "\(error.message) lacks \(expected)", file: file, line: line)
        }
    }

    // MARK: samples in events/

    func testSampleOneInstance() throws {
        let record = try XCTUnwrap(record(of: decode(TestData.sample("run-instances-one.json"))))
        XCTAssertEqual(record.awsRegion, "us-east-1")
        XCTAssertEqual(record.userIdentity?.sessionContext?.sessionIssuer?.userName, "swb-LaunchConstraint")
        XCTAssertEqual(record.call, .runInstances(instanceIds: ["i-0123456789abcdef0"]))
    }

    func testSampleThreeInstances() throws {
        let record = try XCTUnwrap(record(of: decode(TestData.sample("run-instances-three.json"))))
        guard case .runInstances(let ids) = record.call else { return XCTFail("\(record.call)") }
        XCTAssertEqual(ids, ["i-0123456789abcdef0", "i-0123456789abcdef1", "i-0123456789abcdef2"])
    }

    func testSampleFailedLaunchIsNotReadFurther() throws {
        let record = try XCTUnwrap(record(of: decode(TestData.sample("run-instances-failed.json"))))
        XCTAssertEqual(record.call, .unsupported(reason: "the RunInstances call failed ('Client.UnauthorizedOperation')"))
    }

    func testSampleSelfService() throws {
        let record = try XCTUnwrap(record(of: decode(TestData.sample("run-instances-self-service.json"))))
        XCTAssertEqual(record.userIdentity?.principalId, "AROAEXAMPLEID1234567:tim.malone@example.org")
        guard case .runInstances(let ids) = record.call else { return XCTFail("\(record.call)") }
        XCTAssertEqual(ids, ["i-0123456789abcdef3"])
    }

    func testSampleCreateTagsKeepsInstancesOnly() throws {
        let record = try XCTUnwrap(record(of: decode(TestData.sample("create-tags.json"))))
        XCTAssertEqual(record.call, .createTags(instanceIds: ["i-0123456789abcdef0"], keys: ["CreatedBy"]))
    }

    func testSampleScheduled() throws {
        XCTAssertEqual(try decode(TestData.sample("scheduled.json")), .scheduled)
    }

    // MARK: real CloudTrail records, bare and wrapped

    func testRealRecordsBareAndInEnvelopeDecodeAlike() throws {
        let expectations: [(String, CloudTrailRecord.Call)] = [
            ("ct-root-two-instances-c7n", .runInstances(instanceIds: ["i-784cdacd", "i-7b4cdace"])),
            ("ct-iamuser-single-c7n", .runInstances(instanceIds: ["i-0f7c711dc84bedda0"])),
            ("ct-assumedrole-single-c7n", .runInstances(instanceIds: ["i-0f7c711dc84bedda0"])),
            ("ct-autoscaling-slr-fleet-panther", .runInstances(instanceIds: ["i-07d06021b0da55115"])),
            ("ct-assumedrole-console-two-instances-tags-panther",
             .runInstances(instanceIds: ["i-00000000000000000", "i-00000000000000001"])),
            ("ct-assumedrole-tags-panther-enriched",
             .runInstances(instanceIds: ["i-0d7e4b9be8a0de6ea"])),
            ("ct-failed-unauthorized-assumedrole-stratus", .unsupported(reason: "the RunInstances call failed ('Client.UnauthorizedOperation')")),
            ("ct-eks-nodegroup-slr-dryrun-failed-panther", .unsupported(reason: "the RunInstances call failed ('Client.DryRunOperation')")),
        ]
        for (name, call) in expectations {
            let bare = try XCTUnwrap(record(of: decode(TestData.record(name))), name)
            let wrapped = try XCTUnwrap(record(of: decode(TestData.envelope(TestData.record(name)))), name)
            XCTAssertEqual(bare.call, call, name)
            XCTAssertEqual(wrapped, bare, name)
        }
    }

    func testRealAssumedRoleIdentity() throws {
        let record = try XCTUnwrap(record(of: decode(TestData.record("ct-assumedrole-single-c7n"))))
        XCTAssertEqual(record.userIdentity?.type, "AssumedRole")
        XCTAssertEqual(record.userIdentity?.principalId, "AROAIFMJLHZRIKEFRKUUF:Radiant")
        XCTAssertEqual(record.userIdentity?.sessionContext?.sessionIssuer?.userName, "GR_Dev_Developer")
        XCTAssertEqual(record.userIdentity?.sessionContext?.sessionIssuer?.principalId, "AROAIFMJLHZRIKEFRKUUF")
    }

    // MARK: other shapes

    func testOtherEventBridgeEventsAreIgnored() throws {
        let event = try decode(TestData.envelope(TestData.record("ct-root-two-instances-c7n"), source: "aws.s3"))
        XCTAssertEqual(event, .ignored(reason: "EventBridge event 'AWS API Call via CloudTrail' from 'aws.s3' is not an EC2 API call or a schedule"))
        let state = Data(#"{"version":"0","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","detail":{"instance-id":"i-1"}}"#.utf8)
        guard case .ignored = try decode(state) else { return XCTFail("a state change is not an API call") }
    }

    func testOtherEventNamesAndSourcesAreNotReadFurther() throws {
        let terminate = try TestData.replacing(#""eventName":"RunInstances""#, with: #""eventName":"TerminateInstances""#,
                                               in: TestData.runInstances(ids: ["i-0123456789abcdef0"]))
        XCTAssertEqual(try record(of: decode(terminate))?.call, .unsupported(reason: "event 'TerminateInstances' is not RunInstances, CreateTags or DeleteTags"))
        // Parameters of a call we do not handle may have any shape.
        let s3 = Data(#"{"eventSource":"s3.amazonaws.com","eventName":"RunInstances","responseElements":[1,2]}"#.utf8)
        XCTAssertEqual(try record(of: decode(s3))?.call, .unsupported(reason: "event source 's3.amazonaws.com' is not ec2.amazonaws.com"))
    }

    func testUnknownFieldsAreIgnored() throws {
        let data = try TestData.replacing(#""eventVersion":"1.10","#, with: #""eventVersion":"9.99","brandNew":{"nested":[null,true,1.5e300]},"#,
                                          in: TestData.runInstances(ids: ["i-0123456789abcdef0"]))
        XCTAssertEqual(try record(of: decode(data))?.call, .runInstances(instanceIds: ["i-0123456789abcdef0"]))
    }

    func testDuplicateIdsAreKeptOnceInOrder() throws {
        let ids = ["i-0123456789abcdef2", "i-0123456789abcdef1", "i-0123456789abcdef2", "i-0123456789abcdef1"]
        XCTAssertEqual(try record(of: decode(TestData.runInstances(ids: ids)))?.call,
                       .runInstances(instanceIds: ["i-0123456789abcdef2", "i-0123456789abcdef1"]))
    }

    func testAThousandInstancesDecodeAndOneMoreIsRefused() throws {
        let thousand = (0..<1000).map { String(format: "i-%017x", $0) }
        guard case .runInstances(let ids) = try record(of: decode(TestData.runInstances(ids: thousand)))?.call else {
            return XCTFail("not decoded")
        }
        XCTAssertEqual(ids, thousand)
        assertInvalid(TestData.runInstances(ids: thousand + ["i-00000000000ffffff"]),
                      mentions: "responseElements: 1001 instances, more than the 1000 one event may name")
    }

    func testOversizedEventIsRefusedBeforeParsing() {
        let padding = String(repeating: " ", count: TaggerEvent.maxEventBytes)
        assertInvalid(Data(("{" + padding + "}").utf8), mentions: "more than the 1048576 bytes accepted")
    }

    // MARK: hostile input

    func testUnparseableJSON() {
        assertInvalid(Data("{\"eventName\": ".utf8), mentions: "not valid JSON")
        assertInvalid(Data([0xFF, 0xFE, 0x00]), mentions: "not valid JSON")
        assertInvalid(Data(), mentions: "not valid JSON")
    }

    func testNotAnEventAtAll() {
        assertInvalid(Data("[1,2,3]".utf8), mentions: "the event: expected an object")
        assertInvalid(Data(#"{"hello":"world"}"#.utf8), mentions: "neither an EventBridge event")
    }

    func testWrongTypesNameTheirPath() throws {
        let sample = try TestData.sample("run-instances-one.json")
        assertInvalid(try TestData.replacing(#""instanceId": "i-0123456789abcdef0""#, with: #""instanceId": 42"#, in: sample),
                      mentions: "detail.responseElements.instancesSet.items[0].instanceId: expected a string")
        assertInvalid(try TestData.replacing(#""eventName": "RunInstances""#, with: #""eventName": ["RunInstances"]"#, in: sample),
                      mentions: "detail.eventName: expected a string")
        assertInvalid(try TestData.replacing(#""detail-type": "AWS API Call via CloudTrail""#, with: #""detail-type": null"#, in: sample),
                      mentions: "neither an EventBridge event")
        assertInvalid(try TestData.replacing(#""arn": "arn:aws:sts::111122223333:assumed-role/swb-LaunchConstraint/servicecatalog""#,
                                             with: #""arn": {"evil": true}"#, in: sample),
                      mentions: "detail.userIdentity.arn: expected a string")
    }

    func testMissingFieldsNameTheirPath() throws {
        let sample = try TestData.sample("run-instances-one.json")
        assertInvalid(try TestData.replacing(#""instanceId": "i-0123456789abcdef0","#, with: "", in: sample),
                      mentions: "detail.responseElements.instancesSet.items[0].instanceId: missing")
        assertInvalid(try TestData.replacing(#""source": "aws.ec2","#, with: "", in: sample), mentions: "source: missing")
        let createTags = try TestData.sample("create-tags.json")
        assertInvalid(try TestData.replacing(#""resourcesSet""#, with: #""resourceSet""#, in: createTags),
                      mentions: "detail.requestParameters.resourcesSet: missing")
    }

    func testNullResponseElementsWithoutErrorCode() throws {
        let sample = try TestData.sample("run-instances-failed.json")
        let noErrorCode = try TestData.replacing(#""errorCode": "Client.UnauthorizedOperation","#, with: "", in: sample)
        assertInvalid(noErrorCode, mentions: "detail.responseElements: expected an object, found null")
    }

    func testMalformedInstanceIdsAreRefused() {
        for bad in ["i-0123456789ABCDEF0", "i-0123", "i-0123456789abcdef0&Action=TerminateInstances", "i-ghijklmn", "x-01234567", ""] {
            assertInvalid(TestData.runInstances(ids: [bad]), mentions: "instancesSet.items[0].instanceId: ")
        }
        // In CreateTags, other resources pass untouched but a malformed instance id does not.
        assertInvalid(TestData.createTags(resourceIds: ["vol-0123456789abcdef0", "i-XYZ"], tags: [("CreatedBy", "bob")]),
                      mentions: "requestParameters.resourcesSet.items[1].resourceId: 'i-XYZ' is not an instance id")
    }

    func testNonASCIIAndEscapedTextDecodes() throws {
        let data = TestData.createTags(resourceIds: ["i-0123456789abcdef0"], tags: [("Cr\\u00e9\\u00e9Par", "j\\u00fcrgen@\\u4f8b\\u3048.jp")])
        XCTAssertEqual(try record(of: decode(data))?.call, .createTags(instanceIds: ["i-0123456789abcdef0"], keys: ["CrééPar"]))
    }

    // MARK: DeleteTags

    func testDeleteTagsNamesTheRemovedKeys() throws {
        let data = TestData.deleteTags(resourceIds: ["i-0123456789abcdef0", "vol-0123456789abcdef0"], keys: ["CreatedBy", "Name"])
        XCTAssertEqual(try record(of: decode(data))?.call, .deleteTags(instanceIds: ["i-0123456789abcdef0"], keys: ["CreatedBy", "Name"]))
    }

    func testDeleteTagsWithoutTagsDeletesThemAll() throws {
        for tagSet in ["", #","tagSet":{}"#, #","tagSet":{"items":[]}"#, #","tagSet":null"#] {
            let data = Data(#"{"eventSource":"ec2.amazonaws.com","eventName":"DeleteTags","awsRegion":"us-east-1","requestParameters":{"resourcesSet":{"items":[{"resourceId":"i-0123456789abcdef0"}]}\#(tagSet)}}"#.utf8)
            XCTAssertEqual(try record(of: decode(data))?.call, .deleteTags(instanceIds: ["i-0123456789abcdef0"], keys: nil), tagSet)
        }
    }

    func testDeleteTagsWithAMalformedInstanceIdIsInvalid() {
        assertInvalid(TestData.deleteTags(resourceIds: ["i-XYZ"], keys: ["CreatedBy"]),
                      mentions: "requestParameters.resourcesSet.items[0].resourceId: 'i-XYZ' is not an instance id")
    }

    func testDeepNestingIsRefusedNotACrash() {
        let depth = 100_000
        let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let data = Data(#"{"eventSource":"ec2.amazonaws.com","eventName":"X","extra":\#(nested)}"#.utf8)
        assertInvalid(data, mentions: "not valid JSON")
    }
}
