/// EC2 instance ids as events carry them: `i-` then 8 (older) or 17 lower-case
/// hex digits. Ids from events go into requests, so nothing else is accepted.
package enum InstanceID {
    package static func isValid(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard bytes.count == 10 || bytes.count == 19, bytes[0] == UInt8(ascii: "i"), bytes[1] == UInt8(ascii: "-") else {
            return false
        }
        return bytes.dropFirst(2).allSatisfy {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
        }
    }
}
