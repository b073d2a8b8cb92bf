import CurlHTTP
import HTTP
@testable import LambdaRuntime
import Primitives
import XCTest

final class RuntimeAPIRequestTests: XCTestCase {
    func testNextIsAPlainGetToTheVersionedPath() {
        let request = RuntimeAPIRequest.next.httpRequest(to: localRuntimeAPI)
        XCTAssertEqual(request.method, "GET")
        XCTAssertEqual(request.url, "http://127.0.0.1:9001/2018-06-01/runtime/invocation/next")
        XCTAssertEqual(request.hostHeader, "127.0.0.1:9001")
        XCTAssertTrue(request.body.isEmpty)
        XCTAssertEqual(request.headers.fields.count, 0)
    }

    func testResponsePostsTheBodyUnderTheRequestId() {
        let request = RuntimeAPIRequest.response(requestId: "8476a536-e9f4-11e8-9739-2dfe598c3fcd", body: Array("{}".utf8))
            .httpRequest(to: localRuntimeAPI)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.path, "/2018-06-01/runtime/invocation/8476a536-e9f4-11e8-9739-2dfe598c3fcd/response")
        XCTAssertEqual(request.headers["Content-Type"], "application/json")
        XCTAssertEqual(request.body, Array("{}".utf8))
    }

    func testErrorCarriesTheTypeInHeaderAndBody() throws {
        let report = ErrorReport(errorType: "InvalidEvent", errorMessage: "no detail")
        let request = RuntimeAPIRequest.error(requestId: "req-1", report).httpRequest(to: localRuntimeAPI)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.path, "/2018-06-01/runtime/invocation/req-1/error")
        XCTAssertEqual(request.headers["Lambda-Runtime-Function-Error-Type"], "InvalidEvent")
        XCTAssertEqual(request.headers["Content-Type"], "application/json")
        let body = try jsonObject(request.body)
        XCTAssertEqual(body["errorType"] as? String, "InvalidEvent")
        XCTAssertEqual(body["errorMessage"] as? String, "no detail")
        XCTAssertEqual((body["stackTrace"] as? [Any])?.count, 0)
    }

    func testInitErrorGoesToTheInitPath() throws {
        let report = ErrorReport(errorType: "Runtime.ConfigurationError", errorMessage: "ROLE_NAME is not set")
        let request = RuntimeAPIRequest.initError(report).httpRequest(to: localRuntimeAPI)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.path, "/2018-06-01/runtime/init/error")
        XCTAssertEqual(request.headers["Lambda-Runtime-Function-Error-Type"], "Runtime.ConfigurationError")
        XCTAssertEqual(try jsonObject(request.body)["errorMessage"] as? String, "ROLE_NAME is not set")
    }

    func testARequestIdCannotChangeThePath() {
        let request = RuntimeAPIRequest.response(requestId: "../init/error?x=1 é", body: []).httpRequest(to: localRuntimeAPI)
        XCTAssertEqual(request.path, "/2018-06-01/runtime/invocation/%2E%2E%2Finit%2Ferror%3Fx%3D1%20%C3%A9/response")
        XCTAssertEqual(request.query, "")
    }

    func testADotIdIsNotADotSegment() {
        // A transport removes the dot segments of a path: `.` and `..` must not be ones.
        for (id, path) in [(".", "%2E"), ("..", "%2E%2E"), ("a.b", "a%2Eb")] {
            XCTAssertEqual(RuntimeAPIRequest.error(requestId: id, ErrorReport(errorType: "T", errorMessage: "")).httpRequest(to: localRuntimeAPI).path,
                           "/2018-06-01/runtime/invocation/\(path)/error")
        }
    }

    func testAnErrorTypeThatCannotBeAHeaderValueIsMadeSafe() {
        let report = ErrorReport(errorType: "Bad\r\nX-Injected: 1", errorMessage: "")
        let request = RuntimeAPIRequest.error(requestId: "r", report).httpRequest(to: localRuntimeAPI)
        XCTAssertEqual(request.headers["Lambda-Runtime-Function-Error-Type"], "Bad__X-Injected: 1")
        XCTAssertNil(request.headers["X-Injected"])
    }

    func testIPv6AndNamedHostsKeepTheirPort() throws {
        XCTAssertEqual(RuntimeAPIRequest.next.httpRequest(to: try RuntimeAPIAddress("[::1]:9001")).url,
                       "http://[::1]:9001/2018-06-01/runtime/invocation/next")
        XCTAssertEqual(RuntimeAPIRequest.next.httpRequest(to: try RuntimeAPIAddress("localhost:80")).hostHeader, "localhost")
    }
}
