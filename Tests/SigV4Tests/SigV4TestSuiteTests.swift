import Foundation
@testable import SigV4
import Testing

/// All 34 vectors of the AWS SigV4 test suite, each a case of its own checked
/// stage by stage (canonical request, string to sign, Authorization header),
/// so a failure names the vector.
@Suite struct SigV4TestSuiteTests {
    static let requestDate = Date(timeIntervalSince1970: 1_440_938_160)  // 20150830T123600Z

    static func vectors() throws -> [SigV4TestVector] {
        guard let resources = Bundle.module.resourceURL else { throw SigV4TestVector.ParseError(description: "no resources") }
        let root = resources.appendingPathComponent("Fixtures/sigv4-testsuite")
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        return try files.filter { $0.pathExtension == "req" }
            .map { try SigV4TestVector(folder: $0.deletingLastPathComponent()) }
            .sorted { $0.name < $1.name }
    }

    func signer(for vector: SigV4TestVector) -> SigV4Signer {
        SigV4Signer(
            credentials: Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                     sessionToken: vector.sessionToken),
            region: "us-east-1", service: "service")
    }

    @Test func theSuiteHasAllThirtyFourVectors() throws {
        #expect(try Self.vectors().count == 34)
    }

    @Test(arguments: try vectors())
    func canonicalRequest(_ vector: SigV4TestVector) {
        var request = vector.request
        signer(for: vector).addSignedHeaders(to: &request, timestamp: SigningTimestamp(Self.requestDate))
        #expect(String(decoding: CanonicalRequest(request).bytes, as: UTF8.self) == vector.canonicalRequest)
    }

    @Test(arguments: try vectors())
    func stringToSign(_ vector: SigV4TestVector) {
        let signer = signer(for: vector)
        let timestamp = SigningTimestamp(Self.requestDate)
        var request = vector.request
        signer.addSignedHeaders(to: &request, timestamp: timestamp)
        let stringToSign = signer.stringToSign(CanonicalRequest(request), timestamp: timestamp)
        #expect(String(decoding: stringToSign, as: UTF8.self) == vector.stringToSign)
    }

    @Test(arguments: try vectors())
    func authorizationHeader(_ vector: SigV4TestVector) {
        var request = vector.request
        signer(for: vector).sign(&request, date: Self.requestDate)
        #expect(request.header("Authorization") == vector.authorization)
        #expect(request.headers.filter { $0.name == "Authorization" }.count == 1)
    }
}

extension SigV4TestVector: CustomTestStringConvertible {
    var testDescription: String { name }
}
