import Foundation
import Primitives
import XCTest

final class ISO8601TimestampTests: XCTestCase {
    func testReadsUTCAndOffsets() {
        let noon = Date(timeIntervalSince1970: 1_764_504_000)  // 2025-11-30T12:00:00Z
        XCTAssertEqual(ISO8601Timestamp.parse("2025-11-30T12:00:00Z"), noon)
        XCTAssertEqual(ISO8601Timestamp.parse("2025-11-30T12:00:00+00:00"), noon)
        XCTAssertEqual(ISO8601Timestamp.parse("2025-11-30T14:00:00+02:00"), noon)
        XCTAssertEqual(ISO8601Timestamp.parse("2025-11-30T07:00:00-0500"), noon)
        XCTAssertEqual(ISO8601Timestamp.parse("2025-11-30T12:00:00.500Z"), noon.addingTimeInterval(0.5))
        for bad in ["", "tomorrow", "2025-11-30", "2025-11-30T12:00:00", "2025-11-30T12:00:00+25:00", "2025-11-30T12:00:00+02",
                    "2025-11-30T12:00:00ZZ", "2025-11-30T12:00:00+02:0", "2025-13-30T12:00:00Z", "2025-11-30T12:00:00UTC"] {
            XCTAssertNil(ISO8601Timestamp.parse(bad), bad)
        }
    }

    func testWritesSecondsRoundedDown() {
        XCTAssertEqual(ISO8601Timestamp.format(Date(timeIntervalSince1970: 1_764_504_000.999)), "2025-11-30T12:00:00Z")
        XCTAssertEqual(ISO8601Timestamp.format(Date(timeIntervalSince1970: -0.5)), "1969-12-31T23:59:59Z")
    }

    func testMillisecondsAgreeWithFoundationsFormatter() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var generator = SystemRandomNumberGenerator()
        let fixed: [Double] = [0, 951_782_400, 951_868_799.999, 1_709_251_199.5, 4_102_444_800, -86_400.5]
        let random = (0..<200).map { _ in Double(Int64.random(in: -2_000_000_000_000...8_000_000_000_000, using: &generator)) / 1000 }
        for seconds in fixed + random {
            let date = Date(timeIntervalSince1970: seconds)
            XCTAssertEqual(ISO8601Timestamp.format(date, milliseconds: true), formatter.string(from: date), "at \(seconds)")
            XCTAssertEqual(ISO8601Timestamp.parse(ISO8601Timestamp.format(date)), Date(timeIntervalSince1970: seconds.rounded(.down)))
        }
    }
}
