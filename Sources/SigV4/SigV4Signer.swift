import FoundationEssentials

/// AWS Signature Version 4 for one credential scope (region + service), in
/// the steps of AWS's "Create a signed AWS API request": canonical request,
/// its hash, string to sign, signing key and signature, Authorization header.
package struct SigV4Signer: Sendable {
    package let credentials: Credentials
    package let region: String
    package let service: String

    static let algorithm = "AWS4-HMAC-SHA256"

    package init(credentials: Credentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// Adds `X-Amz-Date`, `X-Amz-Security-Token` (when there is a session token)
    /// and `Authorization` to `request`, signing its body's SHA-256.
    ///
    /// Every header present now is signed, plus `Host` (added from `host`
    /// when absent), except `User-Agent`, `Expect`,
    /// `Transfer-Encoding` and `X-Amzn-Trace-Id`. A previous `Authorization`
    /// header is replaced, never signed.
    package func sign(_ request: inout SigningRequest, date: Date) {
        let timestamp = SigningTimestamp(date)
        addSignedHeaders(to: &request, timestamp: timestamp)
        let canonicalRequest = CanonicalRequest(request)
        let signature = signature(of: stringToSign(canonicalRequest, timestamp: timestamp), timestamp: timestamp)
        request.headers.append((name: "Authorization", value: authorization(signedHeaders: canonicalRequest.signedHeaders,
                                                                              signature: signature, timestamp: timestamp)))
    }

    /// Sets the headers the signature must cover that the caller does not set.
    func addSignedHeaders(to request: inout SigningRequest, timestamp: SigningTimestamp) {
        request.removeHeader("Authorization")
        if !request.containsHeader("Host") {
            request.headers.append((name: "Host", value: request.host))
        }
        request.setHeader("X-Amz-Date", to: timestamp.dateTime)
        if let sessionToken = credentials.sessionToken {
            request.setHeader("X-Amz-Security-Token", to: sessionToken)
        }
    }

    /// `day/region/service/aws4_request`
    func credentialScope(_ timestamp: SigningTimestamp) -> String {
        "\(timestamp.day)/\(region)/\(service)/aws4_request"
    }

    /// Steps 2 and 3: `AWS4-HMAC-SHA256 \n X-Amz-Date \n scope \n HexSHA256(canonical request)`.
    func stringToSign(_ canonicalRequest: CanonicalRequest, timestamp: SigningTimestamp) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128)
        bytes.append(contentsOf: Self.algorithm.utf8)
        bytes.append(UInt8(ascii: "\n"))
        bytes.append(contentsOf: timestamp.dateTime.utf8)
        bytes.append(UInt8(ascii: "\n"))
        bytes.append(contentsOf: credentialScope(timestamp).utf8)
        bytes.append(UInt8(ascii: "\n"))
        Hex.append(Digest.sha256(canonicalRequest.bytes), to: &bytes)
        return bytes
    }

    /// Step 4, first half: the signing key of this scope and day, derived once and cached.
    func signingKey(_ timestamp: SigningTimestamp) -> [UInt8] {
        SigningKeyCache.shared.key(for: .init(secretAccessKey: credentials.secretAccessKey, day: timestamp.day,
                                              region: region, service: service))
    }

    /// Step 4: hex HMAC-SHA256 of the string to sign under the signing key.
    func signature(of stringToSign: [UInt8], timestamp: SigningTimestamp) -> String {
        Hex.string(Digest.hmacSHA256(key: signingKey(timestamp), message: stringToSign))
    }

    /// Step 5: `AWS4-HMAC-SHA256 Credential=AKID/scope, SignedHeaders=..., Signature=...`
    func authorization(signedHeaders: [UInt8], signature: String, timestamp: SigningTimestamp) -> String {
        "\(Self.algorithm) Credential=\(credentials.accessKeyId)/\(credentialScope(timestamp)), "
            + "SignedHeaders=\(String(decoding: signedHeaders, as: UTF8.self)), Signature=\(signature)"
    }
}
