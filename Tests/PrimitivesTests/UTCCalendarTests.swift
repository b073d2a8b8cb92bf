import Foundation
import Primitives
import XCTest

final class UTCCalendarTests: XCTestCase {
    func testKnownDates() {
        XCTAssertTrue(UTCCalendar.civilDate(daysSinceEpoch: 0) == (1970, 1, 1))
        XCTAssertTrue(UTCCalendar.civilDate(daysSinceEpoch: 16_677) == (2015, 8, 30))
        XCTAssertTrue(UTCCalendar.civilDate(daysSinceEpoch: 11_016) == (2000, 2, 29))
        XCTAssertTrue(UTCCalendar.civilDate(daysSinceEpoch: -1) == (1969, 12, 31))
        XCTAssertEqual(UTCCalendar.daysSinceEpoch(year: 2015, month: 8, day: 30), 16_677)
        XCTAssertEqual(UTCCalendar.daysSinceEpoch(year: 1969, month: 12, day: 31), -1)
    }

    func testBothDirectionsAgreeWithFoundationsCalendarFrom1600To2370() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        // Foundation switches to the Julian calendar before 1582; ours stays Gregorian.
        for days in stride(from: Int64(-135_140), through: 146_097, by: 37) {
            let (year, month, day) = UTCCalendar.civilDate(daysSinceEpoch: days)
            let expected = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(days) * 86_400))
            XCTAssertEqual([year, month, day], [Int64(expected.year!), Int64(expected.month!), Int64(expected.day!)], "day \(days)")
            XCTAssertEqual(UTCCalendar.daysSinceEpoch(year: year, month: month, day: day), days)
        }
    }

    func testFloorDivisionRoundsTowardMinusInfinity() {
        XCTAssertTrue(UTCCalendar.floorDivide(-1, 1000) == (-1, 999))
        XCTAssertTrue(UTCCalendar.floorDivide(1999, 1000) == (1, 999))
        XCTAssertTrue(UTCCalendar.floorDivide(0, 7) == (0, 0))
    }
}
