/// The body of a Query-protocol request: `Action=…&Version=…&Name.N=…`, in the
/// order given, `application/x-www-form-urlencoded` byte for byte as botocore
/// writes it (Python's `quote_plus`): space is `+`, every other byte outside
/// `A-Z a-z 0-9 - . _ ~` is `%XX`. The body is signed as the bytes sent, so
/// either spelling of a space verifies at AWS; this one also verifies at
/// servers that hash the form they re-encode (moto does).
import SigV4

package enum QueryForm {
    package static func encode(_ parameters: [(String, String)]) -> String {
        var body: [UInt8] = []
        for (index, (name, value)) in parameters.enumerated() {
            if index > 0 { body.append(UInt8(ascii: "&")) }
            append(name, to: &body)
            body.append(UInt8(ascii: "="))
            append(value, to: &body)
        }
        return String(decoding: body, as: UTF8.self)
    }

    private static func append(_ text: String, to body: inout [UInt8]) {
        var start = text.utf8.startIndex
        for index in text.utf8.indices where text.utf8[index] == UInt8(ascii: " ") {
            URIEncoding.append(encoding: text.utf8[start..<index], to: &body)
            body.append(UInt8(ascii: "+"))
            start = text.utf8.index(after: index)
        }
        URIEncoding.append(encoding: text.utf8[start...], to: &body)
    }
}
