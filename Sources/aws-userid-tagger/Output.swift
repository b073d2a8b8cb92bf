import FoundationEssentials
#if canImport(Glibc)
@_exported import Glibc
#endif

enum Output {
    static func printLine(_ text: String) {
        write(text + "\n", to: STDOUT_FILENO)
    }

    /// One line on standard error, then exit: for usage and start-up errors.
    static func fail(_ message: String, code: Int32) -> Never {
        write("aws-userid-tagger: \(message)\n", to: STDERR_FILENO)
        exit(code)
    }

    private static func write(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }
}
