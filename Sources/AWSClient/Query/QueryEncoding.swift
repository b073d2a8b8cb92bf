/// The body of a Query-protocol request: `Action=…&Version=…&Name.N=…`, in the
/// order given, each name and value encoded as SigV4 encodes (`URIEncoding`).
public enum QueryForm {
    public static func encode(_ parameters: [(String, String)]) -> String {
        var body: [UInt8] = []
        for (index, (name, value)) in parameters.enumerated() {
            if index > 0 { body.append(UInt8(ascii: "&")) }
            URIEncoding.append(encoding: name.utf8, to: &body)
            body.append(UInt8(ascii: "="))
            URIEncoding.append(encoding: value.utf8, to: &body)
        }
        return String(decoding: body, as: UTF8.self)
    }
}
