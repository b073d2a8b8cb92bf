import FoundationEssentials

/// ISO 8601 timestamps, read and written by hand: a date formatter would cost
/// start-up time and pull in calendar machinery for a few fixed forms.
package enum ISO8601Timestamp {
    /// `2026-11-25T13:17:45Z`, with optional fractional seconds, and `Z` or a
    /// UTC offset (`+00:00`, `+02:00`, `-0500`: a `credential_process` helper
    /// may print local time). nil for anything else.
    package static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[range] {
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var fraction = 0.0
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                fraction += Double(bytes[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
        }
        guard let offset = utcOffset(bytes[index...]) else { return nil }
        let seconds = Double(UTCCalendar.daysSinceEpoch(year: Int64(year), month: Int64(month), day: Int64(day))) * 86_400
            + Double(hour * 3600 + minute * 60 + second) + fraction
        return Date(timeIntervalSince1970: seconds - Double(offset))
    }

    /// Seconds east of UTC: `Z` is 0, `+02:00` and `+0200` are 7200.
    private static func utcOffset(_ zone: ArraySlice<UInt8>) -> Int? {
        guard let sign = zone.first else { return nil }
        if sign == UInt8(ascii: "Z") { return zone.count == 1 ? 0 : nil }
        guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
        var digits = Array(zone.dropFirst())
        if digits.count == 5, digits[2] == UInt8(ascii: ":") { digits.remove(at: 2) }
        guard digits.count == 4, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        let value = digits.map { Int($0 - 0x30) }
        let hours = value[0] * 10 + value[1], minutes = value[2] * 10 + value[3]
        guard hours < 24, minutes < 60 else { return nil }
        return (sign == UInt8(ascii: "+") ? 1 : -1) * (hours * 3600 + minutes * 60)
    }

    /// UTC, `2026-11-25T13:17:45Z` (seconds rounded down), or with
    /// `milliseconds` `2026-11-25T13:17:45.844Z`, rounded to the nearest
    /// millisecond: a time read as `x.844` is stored as `x.84399…` in a
    /// Double and must still print as `.844` (the form of Lambda's log `timestamp`).
    package static func format(_ date: Date, milliseconds: Bool = false) -> String {
        let thousandths = milliseconds ? Int64((date.timeIntervalSince1970 * 1000).rounded())
                                       : Int64(date.timeIntervalSince1970.rounded(.down)) * 1000
        let (seconds, millisecond) = UTCCalendar.floorDivide(thousandths, 1000)
        let (days, secondOfDay) = UTCCalendar.floorDivide(seconds, 86_400)
        let (year, month, day) = UTCCalendar.civilDate(daysSinceEpoch: days)
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))T"
            + "\(padded(secondOfDay / 3600, 2)):\(padded(secondOfDay / 60 % 60, 2)):\(padded(secondOfDay % 60, 2))"
            + (milliseconds ? ".\(padded(millisecond, 3))Z" : "Z")
    }

    private static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
