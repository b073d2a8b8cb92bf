/// Header look-ups for the signing path. `HTTPHeaders`' own subscript and
/// `set` lower-case every name they compare (an allocation per field for
/// long names); these compare ASCII case-insensitively in place and only
/// rewrite the list when the field is actually there.
import HTTP

extension HTTPHeaders {
    func containsField(named name: String) -> Bool {
        fields.contains { $0.name.utf8.elementsEqual(name.utf8) { $0.asciiLowercased == $1.asciiLowercased } }
    }

    mutating func removeField(named name: String) {
        if containsField(named: name) { remove(name) }
    }

    /// Replaces every field named `name` with one field.
    mutating func setField(named name: String, to value: String) {
        removeField(named: name)
        add(name, value)
    }
}

extension UInt8 {
    /// `A`-`Z` mapped to `a`-`z`; every other byte unchanged (header names are ASCII).
    var asciiLowercased: UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self) ? self | 0x20 : self
    }
}
