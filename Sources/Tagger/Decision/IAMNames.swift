/// IAM's name alphabet `[\w+=,.@-]`. IAM documents `\w` as ASCII letters,
/// digits and underscore; we are strict and refuse every non-ASCII character,
/// so a look-alike (Cyrillic `а`, full-width `＠`) can never become a tag value.
enum IAMNameAlphabet {
    static func contains(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "_"), UInt8(ascii: "+"), UInt8(ascii: "="), UInt8(ascii: ","), UInt8(ascii: "."), UInt8(ascii: "@"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}

/// An IAM role name: `[\w+=,.@-]{1,64}`.
package enum RoleName {
    package static func isValid(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count) && name.utf8.allSatisfy(IAMNameAlphabet.contains)
    }
}

/// A role session name, the part of `${aws:userid}` after the colon:
/// `[\w+=,.@-]{2,64}` (STS `roleSessionNameType`). A colon or space is outside
/// the set, so a value crafted as `AROA…:victim` can never pass.
package enum SessionName {
    package static func isValid(_ name: String) -> Bool {
        (2...64).contains(name.utf8.count) && name.utf8.allSatisfy(IAMNameAlphabet.contains)
    }
}

/// A role's unique id as IAM reports it: `AROA` then upper-case letters and
/// digits, 16 to 128 characters in all (IAM `idType` bounds).
package enum RoleID {
    package static func isValid(_ id: String) -> Bool {
        let bytes = id.utf8
        return (16...128).contains(bytes.count) && id.hasPrefix("AROA")
            && bytes.allSatisfy { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
}
