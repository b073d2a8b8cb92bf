import Foundation
import HTTP
@testable import SigV4
import XCTest

/// All 34 vectors of the AWS SigV4 test suite, checked stage by stage:
/// canonical request, string to sign, and the Authorization header of `sign`.
final class SigV4TestSuiteTests: XCTestCase {
    static let requestDate = Date(timeIntervalSince1970: 1_440_938_160)  // 20150830T123600Z

    func loadVectors() throws -> [SigV4TestVector] {
        let root = try XCTUnwrap(Bundle.module.resourceURL).appendingPathComponent("Fixtures/sigv4-testsuite")
        let enumerator = try XCTUnwrap(FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil))
        let requests = enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension == "req" }
        return try requests.map { try SigV4TestVector(folder: $0.deletingLastPathComponent()) }
            .sorted { $0.name < $1.name }
    }

    func signer(for vector: SigV4TestVector) -> SigV4Signer {
        SigV4Signer(
            credentials: Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                     sessionToken: vector.sessionToken),
            region: "us-east-1", service: "service")
    }

    func testSuiteHasAllThirtyFourVectors() throws {
        XCTAssertEqual(try loadVectors().count, 34)
    }

    func testCanonicalRequestOfEveryVector() throws {
        for vector in try loadVectors() {
            let signer = signer(for: vector)
            var request = vector.request
            signer.addSignedHeaders(to: &request, timestamp: SigningTimestamp(Self.requestDate))
            XCTAssertEqual(String(decoding: CanonicalRequest(request).bytes, as: UTF8.self), vector.canonicalRequest, vector.name)
        }
    }

    func testStringToSignOfEveryVector() throws {
        for vector in try loadVectors() {
            let signer = signer(for: vector)
            let timestamp = SigningTimestamp(Self.requestDate)
            var request = vector.request
            signer.addSignedHeaders(to: &request, timestamp: timestamp)
            let stringToSign = signer.stringToSign(CanonicalRequest(request), timestamp: timestamp)
            XCTAssertEqual(String(decoding: stringToSign, as: UTF8.self), vector.stringToSign, vector.name)
        }
    }

    func testAuthorizationHeaderOfEveryVector() throws {
        for vector in try loadVectors() {
            var request = vector.request
            signer(for: vector).sign(&request, date: Self.requestDate)
            XCTAssertEqual(request.headers["Authorization"], vector.authorization, vector.name)
            XCTAssertEqual(request.headers.filter { $0.name == "Authorization" }.count, 1, vector.name)
        }
    }
}
