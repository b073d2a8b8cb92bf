import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Reads the small local files credentials come from (the shared files, a
/// container's token file, the IAM Identity Center token cache). Injected so
/// tests can prove a path reads nothing (the Lambda cold start).
package protocol FileReading: AnyObject {
    /// The whole file, or why not; never more than `limit` bytes are kept.
    func read(_ path: String, limit: Int) -> Result<[UInt8], FileReadError>
}

package enum FileReadError: Error, Equatable, CustomStringConvertible {
    case missing
    case tooLarge(limit: Int)
    case system(String)

    package var description: String {
        switch self {
        case .missing: "no such file"
        case .tooLarge(let limit): "larger than \(limit) bytes"
        case .system(let reason): reason
        }
    }
}

/// The local file system, read with open/read: no Foundation file APIs.
package final class LocalFiles: FileReading {
    package init() {}

    package func read(_ path: String, limit: Int) -> Result<[UInt8], FileReadError> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            return .failure(errno == ENOENT || errno == ENOTDIR ? .missing : .system(String(cString: strerror(errno))))
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(.system(String(cString: strerror(errno))))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
            if bytes.count > limit { return .failure(.tooLarge(limit: limit)) }
        }
        return .success(bytes)
    }
}
