import CurlHTTP
import XCTest

final class TrustStoreTests: XCTestCase {
    private let all: (String) -> Bool = { _ in true }
    private let none: (String) -> Bool = { _ in false }

    func testTheOrderOfTheOverrides() {
        let everything = ["AWS_CA_BUNDLE": "/a", "SSL_CERT_FILE": "/b", "SSL_CERT_DIR": "/c", "LAMBDA_TASK_ROOT": "/var/task"]
        XCTAssertEqual(TrustStore.resolve(environment: everything, isReadable: all), .bundle("/a"))
        XCTAssertEqual(TrustStore.resolve(environment: everything.filter { $0.key != "AWS_CA_BUNDLE" }, isReadable: all), .bundle("/b"))
        XCTAssertEqual(TrustStore.resolve(environment: ["SSL_CERT_DIR": "/c", "LAMBDA_TASK_ROOT": "/var/task"], isReadable: all),
                       .directory("/c"))
        // Empty values are unset, as the SDKs treat them.
        XCTAssertEqual(TrustStore.resolve(environment: ["AWS_CA_BUNDLE": "", "SSL_CERT_DIR": "/c"], isReadable: all), .directory("/c"))
    }

    func testOnLambdaTheShippedDirectoryComesBeforeTheSystemsBundle() {
        XCTAssertEqual(TrustStore.resolve(environment: ["LAMBDA_TASK_ROOT": "/var/task"], isReadable: all), .directory("/var/task/certs"))
        XCTAssertEqual(TrustStore.resolve(environment: ["LAMBDA_TASK_ROOT": "/var/task"], isReadable: { !$0.hasPrefix("/var/task") }),
                       .bundle("/etc/pki/tls/certs/ca-bundle.crt"))
    }

    func testElsewhereTheSystemsBundle() {
        XCTAssertEqual(TrustStore.resolve(environment: [:], isReadable: all), .bundle("/etc/pki/tls/certs/ca-bundle.crt"))
        XCTAssertEqual(TrustStore.resolve(environment: [:], isReadable: { $0.hasPrefix("/etc/ssl") }), .bundle("/etc/ssl/certs/ca-certificates.crt"))
        XCTAssertNil(TrustStore.resolve(environment: [:], isReadable: none))
    }
}
