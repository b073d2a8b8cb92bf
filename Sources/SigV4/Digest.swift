import CCrypto

/// SHA-256 and HMAC-SHA256 from libcrypto, one-shot calls only (no context
/// objects to allocate per signature).
enum Digest {
    static let sha256Length = 32

    static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: sha256Length) { output, count in
            bytes.withUnsafeBufferPointer { input in
                _ = SHA256(input.baseAddress, input.count, output.baseAddress)
            }
            count = sha256Length
        }
    }

    static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: sha256Length) { output, count in
            var length: UInt32 = 0
            key.withUnsafeBufferPointer { key in
                message.withUnsafeBufferPointer { message in
                    // The key length is an int in OpenSSL's header and a size_t in
                    // BoringSSL's (the shipped build's): take whichever is declared.
                    _ = HMAC(EVP_sha256(), key.baseAddress, numericCast(key.count),
                             message.baseAddress, message.count, output.baseAddress, &length)
                }
            }
            count = Int(length)
        }
    }
}
