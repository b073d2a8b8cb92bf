import AWSQuery
@testable import EventBridge
import Foundation
import TestSupport
import XCTest

/// PutEvents in the JSON 1.1 protocol, answered as EventBridge's API reference
/// documents (PutEvents, "Response Syntax" and "Errors").
final class EventBridgeClientTests: XCTestCase {
    private let clock = FakeClock()

    private func client(_ transport: ScriptedTransport) -> EventBridgeClient {
        EventBridgeClient(client: .scripted(host: "events.eu-west-1.amazonaws.com", region: "eu-west-1", signingName: "events",
                                            targetPrefix: EventBridgeClient.targetPrefix, transport: transport, clock: clock))
    }

    private func json(_ status: Int, _ body: String, headers: [(String, String)] = []) -> ScriptedTransport.Outcome {
        .response(.json(status, body, headers: headers))
    }

    private let entries = [
        EventEntry(source: "aws-userid-tagger", detailType: "Sweep Request", detail: #"{"account":"111111111111"}"#, eventBusName: "tagger-bus"),
        EventEntry(source: "aws-userid-tagger", detailType: "Sweep Request", detail: #"{"account":"222222222222"}"#, eventBusName: "tagger-bus"),
    ]

    func testPutEventsSendsTheEntriesAndReadsEachOutcome() throws {
        let transport = ScriptedTransport([json(200, #"{"FailedEntryCount":1,"Entries":[{"EventId":"11710aed-b79e-4468-a20b-bb3c0c3b4860"},{"ErrorCode":"InternalFailure","ErrorMessage":"try again"}]}"#)])
        let outcomes = try client(transport).putEvents(entries, deadline: clock.now + 10)
        XCTAssertEqual(outcomes, [.published(eventId: "11710aed-b79e-4468-a20b-bb3c0c3b4860"), .failed(code: "InternalFailure", message: "try again")])
        let request = try XCTUnwrap(transport.requests.first)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.url, "https://events.eu-west-1.amazonaws.com/")
        XCTAssertEqual(request.headers["X-Amz-Target"], "AWSEvents.PutEvents")
        XCTAssertEqual(request.headers["Content-Type"], "application/x-amz-json-1.1")
        XCTAssertTrue(request.headers["Authorization"]?.contains("/eu-west-1/events/aws4_request") ?? false)
        let body = try JSONSerialization.jsonObject(with: Data(request.body)) as! [String: [[String: String]]]
        XCTAssertEqual(body["Entries"]?.map { $0["Detail"] }, [#"{"account":"111111111111"}"#, #"{"account":"222222222222"}"#])
        XCTAssertEqual(body["Entries"]?.first?["DetailType"], "Sweep Request")
        XCTAssertEqual(body["Entries"]?.first?["EventBusName"], "tagger-bus")
    }

    func testErrorsAreReadFromTheBodyOrTheHeader() {
        let cases: [(ScriptedTransport.Outcome, AWSError.Code, String)] = [
            (json(400, #"{"__type":"AccessDeniedException","message":"not authorized to perform: events:PutEvents"}"#),
             .service("AccessDeniedException"), "not authorized to perform: events:PutEvents"),
            (json(400, #"{"__type":"com.amazon.coral.validate#ValidationException","Message":"bad"}"#), .service("ValidationException"), "bad"),
            (json(404, #"{"message":"no bus"}"#, headers: [("x-amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/coral/")]),
             .service("ResourceNotFoundException"), "no bus"),
            (json(400, "not json"), .invalidResponse, "HTTP 400 without a readable AWS error body"),
        ]
        for (answer, code, message) in cases {
            XCTAssertThrowsError(try client(ScriptedTransport([answer])).putEvents(entries, deadline: clock.now + 10)) {
                XCTAssertEqual(($0 as? AWSError)?.code, code)
                XCTAssertEqual(($0 as? AWSError)?.message, message)
                XCTAssertEqual(($0 as? AWSError)?.operation, "events:PutEvents")
            }
        }
    }

    func testThrottlingIsRetried() throws {
        let transport = ScriptedTransport([json(400, #"{"__type":"ThrottlingException","message":"Rate exceeded"}"#),
                                           json(200, #"{"FailedEntryCount":0,"Entries":[{"EventId":"a"},{"EventId":"b"}]}"#)])
        XCTAssertEqual(try client(transport).putEvents(entries, deadline: clock.now + 10), [.published(eventId: "a"), .published(eventId: "b")])
        XCTAssertEqual(transport.requests.count, 2)
    }

    func testAnAnswerForOtherEntriesIsRefused() {
        let transport = ScriptedTransport([json(200, #"{"FailedEntryCount":0,"Entries":[{"EventId":"a"}]}"#)])
        XCTAssertThrowsError(try client(transport).putEvents(entries, deadline: clock.now + 10)) {
            XCTAssertEqual(($0 as? AWSError)?.code, .invalidResponse)
        }
        let garbage = ScriptedTransport([json(200, "<xml/>")])
        XCTAssertThrowsError(try client(garbage).putEvents(entries, deadline: clock.now + 10)) {
            XCTAssertEqual(($0 as? AWSError)?.code, .invalidResponse)
        }
    }
}
