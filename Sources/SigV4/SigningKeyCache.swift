import Synchronization

/// Signing keys by secret, day, region and service. A key is valid for a
/// whole UTC day, so a warm function derives it once a day instead of four
/// HMACs per request. Shared by every signer in the process because callers
/// make a new `SigV4Signer` per request.
final class SigningKeyCache: Sendable {
    struct Scope: Hashable {
        var secretAccessKey: String
        var day: String
        var region: String
        var service: String
    }

    static let shared = SigningKeyCache()

    /// A function signs for a handful of scopes (EC2 and IAM, one day or two):
    /// past this, the table is emptied rather than managed.
    static let capacity = 16
    private let keys = Mutex<[Scope: [UInt8]]>([:])
    private let derive: @Sendable (Scope) -> [UInt8]

    /// - Parameter derive: the key derivation, replaceable so tests can count calls.
    init(derive: @escaping @Sendable (Scope) -> [UInt8] = SigningKeyCache.derive) {
        self.derive = derive
    }

    func key(for scope: Scope) -> [UInt8] {
        if let key = keys.withLock({ $0[scope] }) { return key }
        let key = derive(scope)
        keys.withLock { keys in
            if keys.count >= Self.capacity { keys.removeAll(keepingCapacity: true) }
            keys[scope] = key
        }
        return key
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request")
    static func derive(_ scope: Scope) -> [UInt8] {
        var key = Digest.hmacSHA256(key: Array("AWS4\(scope.secretAccessKey)".utf8), message: Array(scope.day.utf8))
        key = Digest.hmacSHA256(key: key, message: Array(scope.region.utf8))
        key = Digest.hmacSHA256(key: key, message: Array(scope.service.utf8))
        return Digest.hmacSHA256(key: key, message: Array("aws4_request".utf8))
    }
}
