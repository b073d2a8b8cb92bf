import Foundation
import HTTP
@testable import SigV4
import Synchronization
import XCTest

/// Digests, timestamps and the signing key, against published values.
final class SigV4PrimitivesTests: XCTestCase {
    func testSHA256OfKnownInputs() {
        XCTAssertEqual(Hex.string(Digest.sha256([])), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(Hex.string(Digest.sha256(Array("abc".utf8))),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func testHMACSHA256OfRFC4231TestCases() {
        // RFC 4231 §4.3 (test case 2) and §4.7 (test case 6: a key longer than the block).
        XCTAssertEqual(Hex.string(Digest.hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        XCTAssertEqual(Hex.string(Digest.hmacSHA256(key: [UInt8](repeating: 0xAA, count: 131),
                                                    message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))),
                       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    func testTimestampFormsInUTC() {
        XCTAssertEqual(SigningTimestamp(Date(timeIntervalSince1970: 0)).dateTime, "19700101T000000Z")
        XCTAssertEqual(SigningTimestamp(Date(timeIntervalSince1970: 1_440_938_160)).dateTime, "20150830T123600Z")
        XCTAssertEqual(SigningTimestamp(Date(timeIntervalSince1970: 1_709_251_199)).dateTime, "20240229T235959Z")
        XCTAssertEqual(SigningTimestamp(Date(timeIntervalSince1970: 951_868_800)).dateTime, "20000301T000000Z")
        XCTAssertEqual(SigningTimestamp(Date(timeIntervalSince1970: 1_440_938_160.999)).dateTime, "20150830T123600Z")
        XCTAssertEqual(SigningTimestamp(Date(timeIntervalSince1970: 1_440_938_160)).day, "20150830")
        XCTAssertEqual(SigningTimestamp(Date(timeIntervalSince1970: 253_402_300_799)).dateTime, "99991231T235959Z")
    }

    func testTimestampOfAnUnusableClockStaysInRange() {
        XCTAssertEqual(SigningTimestamp(Date(timeIntervalSince1970: -1)).dateTime, "19700101T000000Z")
        XCTAssertEqual(SigningTimestamp(Date(timeIntervalSince1970: .infinity)).dateTime, "99991231T235959Z")
        XCTAssertEqual(SigningTimestamp(Date(timeIntervalSince1970: .nan)).dateTime, "19700101T000000Z")
    }

    func testTimestampMatchesISO8601OverFiveYears() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withYear, .withMonth, .withDay, .withTime, .withTimeZone]
        for hours in stride(from: 0, to: 24 * 366 * 5, by: 37) {
            let date = Date(timeIntervalSince1970: 1_700_000_000 + Double(hours) * 3600 + 59)
            let expected = formatter.string(from: date).replacingOccurrences(of: "-", with: "")
                .replacingOccurrences(of: ":", with: "")
            XCTAssertEqual(SigningTimestamp(date).dateTime, expected)
        }
    }

    func testSigningKeyOfTheAWSDocumentationExample() {
        // "Derive a signing key for Signature Version 4" (AWS General Reference), IAM example.
        let scope = SigningKeyCache.Scope(secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                          day: "20120215", region: "us-east-1", service: "iam")
        XCTAssertEqual(Hex.string(SigningKeyCache.derive(scope)),
                       "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d")
    }

    func testSigningKeyIsDerivedOncePerScope() {
        let derivations = Mutex<[SigningKeyCache.Scope]>([])
        let cache = SigningKeyCache { scope in
            derivations.withLock { $0.append(scope) }
            return SigningKeyCache.derive(scope)
        }
        let ec2 = SigningKeyCache.Scope(secretAccessKey: "s", day: "20260102", region: "eu-west-1", service: "ec2")
        let iam = SigningKeyCache.Scope(secretAccessKey: "s", day: "20260102", region: "us-east-1", service: "iam")
        let nextDay = SigningKeyCache.Scope(secretAccessKey: "s", day: "20260103", region: "eu-west-1", service: "ec2")
        let rotated = SigningKeyCache.Scope(secretAccessKey: "t", day: "20260102", region: "eu-west-1", service: "ec2")

        let first = cache.key(for: ec2)
        XCTAssertEqual(cache.key(for: ec2), first)
        XCTAssertEqual(derivations.withLock { $0.count }, 1)
        for scope in [iam, nextDay, rotated] {
            XCTAssertNotEqual(cache.key(for: scope), first)
        }
        XCTAssertEqual(derivations.withLock { $0 }, [ec2, iam, nextDay, rotated])
    }

    func testCacheStaysBoundedAndStillAnswers() {
        let derivationCount = Mutex(0)
        let cache = SigningKeyCache { scope in
            derivationCount.withLock { $0 += 1 }
            return SigningKeyCache.derive(scope)
        }
        let scopes = (0...SigningKeyCache.capacity).map {
            SigningKeyCache.Scope(secretAccessKey: "s", day: "20260102", region: "r\($0)", service: "ec2")
        }
        for scope in scopes { _ = cache.key(for: scope) }
        // The table was emptied when it filled up: the first scope is derived again, the last is not.
        let last = cache.key(for: scopes[scopes.count - 1])
        XCTAssertEqual(derivationCount.withLock { $0 }, scopes.count)
        XCTAssertEqual(last, SigningKeyCache.derive(scopes[scopes.count - 1]))
        _ = cache.key(for: scopes[0])
        XCTAssertEqual(derivationCount.withLock { $0 }, scopes.count + 1)
    }
}
