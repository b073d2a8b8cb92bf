import CurlHTTP
import HTTP
@testable import LambdaRuntime
import Primitives
import XCTest

final class RuntimeAPIAddressTests: XCTestCase {
    func testAcceptsHostAndPortForms() throws {
        let lambda = try RuntimeAPIAddress("127.0.0.1:9001")
        XCTAssertEqual(lambda.host, "127.0.0.1")
        XCTAssertEqual(lambda.port, 9001)
        let named = try RuntimeAPIAddress("localhost:8080")
        XCTAssertEqual(named.host, "localhost")
        XCTAssertEqual(named.port, 8080)
        let ipv6 = try RuntimeAPIAddress("[::1]:9001")
        XCTAssertEqual(ipv6.host, "[::1]")
        XCTAssertEqual(ipv6.description, "[::1]:9001")
    }

    func testRejectsWhatCannotBeAnAddress() {
        for text in ["", "127.0.0.1", ":9001", "host:", "host:0", "host:65536", "host:-1", "host:9x",
                     "http://127.0.0.1:9001", "a/b:1", "ho st:1", "[]:1", "[zz]:1", "[１]:1", "héllo:1"] {
            XCTAssertThrowsError(try RuntimeAPIAddress(text), "accepted '\(text)'") { error in
                XCTAssertEqual((error as? ConfigurationError)?.setting, "AWS_LAMBDA_RUNTIME_API")
            }
        }
    }

    func testReadsTheEnvironmentAndIsAbsentOutsideLambda() throws {
        XCTAssertNil(try RuntimeAPIAddress(environment: [:]))
        XCTAssertEqual(try RuntimeAPIAddress(environment: ["AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001"])?.port, 9001)
        XCTAssertThrowsError(try RuntimeAPIAddress(environment: ["AWS_LAMBDA_RUNTIME_API": "nonsense"]))
    }
}
