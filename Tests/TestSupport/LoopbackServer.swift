import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 server on 127.0.0.1 that answers each request with the next
/// scripted behaviour, one thread per connection: enough to test the libcurl
/// transport and the Runtime API client for real.
package final class LoopbackServer: @unchecked Sendable {
    package enum Behaviour {
        /// Answers after `delay` seconds. Without `headers`, an AWS-like XML answer.
        case respond(status: Int, headers: [(String, String)]? = nil, body: String, delay: Double = 0)
        /// Announces `declaredLength` bytes, sends `body`, then closes.
        case truncate(body: String, declaredLength: Int)
        /// Closes the connection without answering (a reset, as the client sees it).
        case close
    }

    package struct Received {
        package var requestLine: String
        package var headers: [(String, String)]
        package var body: String

        /// The request target of the request line, e.g. `/2018-06-01/runtime/invocation/next`.
        package var path: String { requestLine.split(separator: " ").dropFirst().first.map(String.init) ?? "" }
        package var method: String { requestLine.split(separator: " ").first.map(String.init) ?? "" }
        package func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    package let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var script: [Behaviour]
    private var _received: [Received] = []
    private var _connections = 0

    package var received: [Received] { lock.withLock { _received } }
    package var connections: Int { lock.withLock { _connections } }
    /// `127.0.0.1:PORT`
    package var address: String { "127.0.0.1:\(port)" }

    package init(_ script: [Behaviour]) throws {
        self.script = script
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let descriptor = listener
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound, listen(descriptor, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in serve() }
    }

    /// Stops listening: later connections are refused. The serving thread
    /// closes the socket once its `accept` fails, so the descriptor cannot be
    /// reused by another server while this thread may still accept on it.
    package func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private func serve() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else {
                if errno == EINTR { continue }
                close(listener)
                return
            }
            lock.withLock { _connections += 1 }
            Thread.detachNewThread { [self] in handle(connection) }
        }
    }

    private func handle(_ connection: Int32) {
        defer { close(connection) }
        var buffer: [UInt8] = []
        while let request = readRequest(connection, buffer: &buffer) {
            lock.withLock { _received.append(request) }
            let behaviour: Behaviour = lock.withLock { script.isEmpty ? .close : script.removeFirst() }
            switch behaviour {
            case .respond(let status, let headers, let body, let delay):
                if delay > 0 { Thread.sleep(forTimeInterval: delay) }
                let fields = headers ?? [("Content-Type", "text/xml"), ("X-Amzn-RequestId", "loopback-1")]
                let head = fields.map { "\($0.0): \($0.1)\r\n" }.joined()
                write(connection, "HTTP/1.1 \(status) Scripted\r\nContent-Length: \(body.utf8.count)\r\n\(head)\r\n\(body)")
            case .truncate(let body, let declaredLength):
                write(connection, "HTTP/1.1 200 OK\r\nContent-Length: \(declaredLength)\r\n\r\n\(body)")
                return
            case .close:
                return
            }
        }
    }

    private func readRequest(_ connection: Int32, buffer: inout [UInt8]) -> Received? {
        func headerEnd() -> Int? {
            guard buffer.count >= 4 else { return nil }
            return (0...(buffer.count - 4)).first { buffer[$0] == 13 && buffer[$0 + 1] == 10 && buffer[$0 + 2] == 13 && buffer[$0 + 3] == 10 }
        }
        while headerEnd() == nil { guard readMore(connection, into: &buffer) else { return nil } }
        let end = headerEnd()!
        let lines = String(decoding: buffer[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let headers = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = Int(headers.first { $0.0.lowercased() == "content-length" }?.1 ?? "0") ?? 0
        while buffer.count < end + 4 + length { guard readMore(connection, into: &buffer) else { return nil } }
        let body = String(decoding: buffer[(end + 4)..<(end + 4 + length)], as: UTF8.self)
        buffer.removeFirst(end + 4 + length)
        return Received(requestLine: lines[0], headers: headers, body: body)
    }

    private func readMore(_ connection: Int32, into buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = read(connection, &chunk, chunk.count)
        guard count > 0 else { return false }
        buffer.append(contentsOf: chunk[..<count])
        return true
    }

    private func write(_ connection: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { return }
            sent += count
        }
    }
}
