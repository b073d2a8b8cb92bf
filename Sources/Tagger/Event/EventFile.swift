import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Reads the event of `invoke --event`: a file, or standard input for `-`.
/// Reading stops one byte past the decoder's limit so a huge input is refused, not buffered.
package enum EventFile {
    package struct ReadError: Error, CustomStringConvertible { package var description: String }

    package static func read(_ path: String) throws(ReadError) -> Data {
        let limit = TaggerEvent.maxEventBytes + 1
        let descriptor = path == "-" ? STDIN_FILENO : open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ReadError(description: "cannot open event file '\(path)': \(String(cString: strerror(errno)))") }
        defer { if descriptor != STDIN_FILENO { close(descriptor) } }
        var bytes = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while bytes.count < limit {
            let count = Glibc.read(descriptor, &chunk, min(chunk.count, limit - bytes.count))
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw ReadError(description: "cannot read event '\(path)': \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return Data(bytes)
    }
}
