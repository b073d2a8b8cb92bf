@testable import AWSCredentials
import Foundation
import XCTest

/// The small readers: timestamps in the forms sources write (ISO 8601 itself
/// is tested in PrimitivesTests), and endpoint URLs.
final class TimestampAndURLTests: XCTestCase {
    func testTheSSOCachesUTCSuffixIsRead() {
        let noon = Date(timeIntervalSince1970: 1_764_504_000)  // 2025-11-30T12:00:00Z
        XCTAssertEqual(Timestamp.parse("2025-11-30T12:00:00UTC"), noon)
        XCTAssertEqual(Timestamp.parse("2025-11-30T14:00:00+02:00"), noon)
        XCTAssertNil(Timestamp.parse("2025-11-30T12:00:00 UTC"))
    }

    func testEndpointURLs() throws {
        let url = try EndpointURL.parse("http://[fd00:ec2::23]:8080/v1/credentials?x=1").get()
        XCTAssertEqual(url, EndpointURL(scheme: "http", host: "[fd00:ec2::23]", port: 8080, path: "/v1/credentials", query: "x=1"))
        XCTAssertEqual(url.bareHost, "fd00:ec2::23")
        XCTAssertEqual(try EndpointURL.parse("HTTPS://example.com").get().description, "https://example.com/")
        for bad in ["127.0.0.1/x", "http://", "http://a b/", "http://[::1/x", "http://h:0/", "http://h/a b", "http://h/#f", "http://u:p@h/"] {
            XCTAssertThrowsError(try EndpointURL.parse(bad).get(), bad)
        }
    }
}
