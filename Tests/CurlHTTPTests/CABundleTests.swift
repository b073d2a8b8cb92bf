import CurlHTTP
import XCTest

final class CABundleTests: XCTestCase {
    func testCABundleOrder() {
        let none: (String) -> Bool = { _ in false }
        let all: (String) -> Bool = { _ in true }
        XCTAssertEqual(CABundle.path(environment: ["AWS_CA_BUNDLE": "/a", "SSL_CERT_FILE": "/b"], fileExists: all), "/a")
        XCTAssertEqual(CABundle.path(environment: ["SSL_CERT_FILE": "/b"], fileExists: all), "/b")
        XCTAssertEqual(CABundle.path(environment: [:], fileExists: all), "/etc/pki/tls/certs/ca-bundle.crt")
        XCTAssertEqual(CABundle.path(environment: [:], fileExists: { $0.hasPrefix("/etc/ssl") }), "/etc/ssl/certs/ca-certificates.crt")
        XCTAssertNil(CABundle.path(environment: [:], fileExists: none))
    }
}
