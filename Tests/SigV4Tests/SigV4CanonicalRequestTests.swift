@testable import SigV4
import XCTest

/// The pieces of the canonical request on cases the AWS suite leaves out.
final class SigV4CanonicalRequestTests: XCTestCase {
    func canonicalURI(_ path: String) -> String {
        var bytes: [UInt8] = []
        CanonicalURI.append(path: path, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    func canonicalQuery(_ query: String) -> String {
        var bytes: [UInt8] = []
        CanonicalQuery.append(query: query, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    func canonicalHeaders(_ fields: [(String, String)]) -> (block: String, signed: String) {
        let headers = CanonicalHeaders(fields.map { (name: $0.0, value: $0.1) })
        return (String(decoding: headers.block, as: UTF8.self), String(decoding: headers.signedHeaders, as: UTF8.self))
    }

    func testPathDotSegmentsFollowRFC3986() {
        XCTAssertEqual(canonicalURI(""), "/")
        XCTAssertEqual(canonicalURI("/"), "/")
        XCTAssertEqual(canonicalURI("/a/./b/../c"), "/a/c")
        XCTAssertEqual(canonicalURI("/a/b/.."), "/a/")
        XCTAssertEqual(canonicalURI("/a/b/."), "/a/b/")
        XCTAssertEqual(canonicalURI("/../../a"), "/a")
        XCTAssertEqual(canonicalURI("/.."), "/")
        XCTAssertEqual(canonicalURI("/a..b/.c"), "/a..b/.c")
    }

    func testPathRepeatedSlashesCollapse() {
        XCTAssertEqual(canonicalURI("///a///b"), "/a/b")
        XCTAssertEqual(canonicalURI("/a//"), "/a/")
    }

    func testPathIsEncodedAgainOutsideS3() {
        // The wire path is already encoded; services other than S3 expect it encoded twice.
        XCTAssertEqual(canonicalURI("/a%20b"), "/a%2520b")
        XCTAssertEqual(canonicalURI("/a b+c=d"), "/a%20b%2Bc%3Dd")
    }

    func testQueryKeepsRepeatedKeysSortedByValue() {
        XCTAssertEqual(canonicalQuery("a=2&b=1&a=1"), "a=1&a=2&b=1")
    }

    func testQueryKeyWithoutValueGetsAnEmptyValue() {
        XCTAssertEqual(canonicalQuery("b&a="), "a=&b=")
    }

    func testQuerySkipsEmptyParameters() {
        XCTAssertEqual(canonicalQuery("&&a=1&"), "a=1")
    }

    func testQueryIsDecodedThenEncodedOnce() {
        XCTAssertEqual(canonicalQuery("%41=%7e&x=a%20b"), "A=~&x=a%20b")
        XCTAssertEqual(canonicalQuery("x=a+b"), "x=a%2Bb")
        XCTAssertEqual(canonicalQuery("k=v=w"), "k=v%3Dw")
    }

    func testQueryKeepsAMalformedEscapeAsAPercentSign() {
        XCTAssertEqual(canonicalQuery("k=%zz&l=%4"), "k=%25zz&l=%254")
    }

    func testQuerySortsByEncodedKeyBytes() {
        XCTAssertEqual(canonicalQuery("b=1&B=1&_=1&~=1&%2B=1"), "%2B=1&B=1&_=1&b=1&~=1")
    }

    func testHeaderValuesAreTrimmedAndCollapsed() {
        let headers = canonicalHeaders([("X-A", " \t a \t\t b  "), ("X-B", "one\r\n  two"), ("X-C", "")])
        XCTAssertEqual(headers.block, "x-a:a b\nx-b:one two\nx-c:\n")
        XCTAssertEqual(headers.signed, "x-a;x-b;x-c")
    }

    func testRepeatedHeaderNamesJoinInSendOrderAcrossCase() {
        let headers = canonicalHeaders([("X-B", "2"), ("x-a", "1"), ("x-b", "1"), ("X-b", " 3 ")])
        XCTAssertEqual(headers.block, "x-a:1\nx-b:2,1,3\n")
        XCTAssertEqual(headers.signed, "x-a;x-b")
    }

    func testHopAndTracingHeadersAreNotSigned() {
        let headers = canonicalHeaders([
            ("User-Agent", "ua"), ("Expect", "100-continue"), ("Transfer-Encoding", "chunked"),
            ("X-Amzn-Trace-Id", "Root=1"), ("Authorization", "old"), ("Host", "h"),
        ])
        XCTAssertEqual(headers.block, "host:h\n")
        XCTAssertEqual(headers.signed, "host")
    }

    func testCanonicalRequestHashesTheBody() {
        let request = SigningRequest(method: "POST", host: "h", headers: [("Host", "h")], body: Array("abc".utf8))
        XCTAssertEqual(String(decoding: CanonicalRequest(request).bytes, as: UTF8.self),
                       "POST\n/\n\nhost:h\n\nhost\nba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
