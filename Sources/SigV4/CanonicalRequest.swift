/// Step 1 of SigV4 ("Create a canonical request"): the exact bytes whose
/// hash the signature covers.
///
///     METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n HexSHA256(body)
struct CanonicalRequest {
    let bytes: [UInt8]
    /// The `SignedHeaders` list, also needed by the Authorization header.
    let signedHeaders: [UInt8]

    /// - Parameter request: the request with every header it will be signed
    ///   with already set (Host, X-Amz-Date, X-Amz-Security-Token).
    init(_ request: SigningRequest) {
        let newline = UInt8(ascii: "\n")
        let headers = CanonicalHeaders(request.headers)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(request.method.utf8.count + request.path.utf8.count * 3 + request.query.utf8.count * 3
                              + headers.block.count + headers.signedHeaders.count + 2 * Digest.sha256Length + 8)
        bytes.append(contentsOf: request.method.utf8)
        bytes.append(newline)
        CanonicalURI.append(path: request.path, to: &bytes)
        bytes.append(newline)
        CanonicalQuery.append(query: request.query, to: &bytes)
        bytes.append(newline)
        bytes.append(contentsOf: headers.block)
        bytes.append(newline)
        bytes.append(contentsOf: headers.signedHeaders)
        bytes.append(newline)
        Hex.append(Digest.sha256(request.body), to: &bytes)
        self.bytes = bytes
        signedHeaders = headers.signedHeaders
    }
}
