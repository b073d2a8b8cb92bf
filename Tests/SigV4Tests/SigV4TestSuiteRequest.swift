import Foundation
@testable import SigV4

/// One vector of the AWS SigV4 test suite: `NAME.req` parsed into an
/// `SigningRequest`, plus the expected `.creq`, `.sts` and `.authz` texts.
struct SigV4TestVector {
    let name: String
    let request: SigningRequest
    let canonicalRequest: String
    let stringToSign: String
    let authorization: String

    /// The session token the vector signs with: the suite marks it only by an
    /// `x-amz-security-token:` line in the expected canonical request.
    var sessionToken: String? {
        canonicalRequest.split(separator: "\n").first { $0.hasPrefix("x-amz-security-token:") }
            .map { String($0.dropFirst("x-amz-security-token:".count)) }
    }

    init(folder: URL) throws {
        let name = folder.lastPathComponent
        func read(_ suffix: String) throws -> Data {
            try Data(contentsOf: folder.appendingPathComponent("\(name).\(suffix)"))
        }
        self.name = name
        request = try Self.parseRequest(Array(try read("req")))
        canonicalRequest = String(decoding: try read("creq"), as: UTF8.self)
        stringToSign = String(decoding: try read("sts"), as: UTF8.self)
        authorization = String(decoding: try read("authz"), as: UTF8.self)
    }

    struct ParseError: Error, CustomStringConvertible { let description: String }

    /// Parses the suite's raw requests, which are not always valid HTTP: the
    /// target may hold a raw space (`get-space`) or raw UTF-8, the last line
    /// may lack its newline, and a line starting with whitespace continues the
    /// previous header (kept with its line break, for the signer to fold).
    static func parseRequest(_ bytes: [UInt8]) throws -> SigningRequest {
        let text = String(decoding: bytes, as: UTF8.self)
        let head: Substring
        let body: Substring
        if let blank = text.range(of: "\n\n") {
            head = text[..<blank.lowerBound]
            body = text[blank.upperBound...]
        } else {
            head = text[...]
            body = ""
        }
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }  // a final newline after the last header
        guard let requestLine = lines.first, let firstSpace = requestLine.firstIndex(of: " "),
              let version = requestLine.range(of: " HTTP/", options: .backwards), firstSpace < version.lowerBound
        else { throw ParseError(description: "bad request line") }
        let target = requestLine[requestLine.index(after: firstSpace)..<version.lowerBound]
        let questionMark = target.firstIndex(of: "?")

        var fields: [(String, String)] = []
        for line in lines.dropFirst() {
            if line.first == " " || line.first == "\t" {
                guard !fields.isEmpty else { throw ParseError(description: "continuation before any header") }
                fields[fields.count - 1].1 += "\n" + line
            } else {
                guard let colon = line.firstIndex(of: ":") else { throw ParseError(description: "header without ':'") }
                fields.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
        }
        guard let host = fields.first(where: { $0.0.lowercased() == "host" })?.1 else { throw ParseError(description: "no Host header") }
        return SigningRequest(
            method: String(requestLine[..<firstSpace]), host: host,
            path: String(target[..<(questionMark ?? target.endIndex)]),
            query: questionMark.map { String(target[target.index(after: $0)...]) } ?? "",
            headers: fields.map { (name: $0.0, value: $0.1) }, body: Array(body.utf8))
    }
}
