import FoundationEssentials
import HTTP
import Primitives

/// RFC 3339 UTC with milliseconds (`2024-01-01T00:00:00.000Z`), the form of
/// Lambda's `timestamp` field. Written by hand: a date formatter would cost
/// start-up time and pull in calendar machinery for one fixed format.
enum LogTimestamp {
    /// Rounds to the nearest millisecond: a time read as `x.844` is stored
    /// as `x.84399…` in a Double, and must still print as `.844`.
    static func format(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (seconds, millisecond) = UTCCalendar.floorDivide(milliseconds, 1000)
        let (days, secondOfDay) = UTCCalendar.floorDivide(seconds, 86_400)
        let (year, month, day) = UTCCalendar.civilDate(daysSinceEpoch: days)
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))T"
            + "\(padded(secondOfDay / 3600, 2)):\(padded(secondOfDay / 60 % 60, 2)):\(padded(secondOfDay % 60, 2))"
            + ".\(padded(millisecond, 3))Z"
    }

    private static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
