/// An AWS account id: exactly 12 ASCII digits. Ids from events and settings
/// become part of role ARNs, so nothing else is accepted.
package enum AccountID {
    package static func isValid(_ id: String) -> Bool {
        id.utf8.count == 12 && id.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
