/// The canonical URI of a request to any service but S3: the path with dot
/// segments removed (RFC 3986 §5.2.4) and repeated slashes collapsed, then
/// URI-encoded with `/` kept. The path is encoded as given, so an already
/// percent-encoded path is encoded a second time, as AWS expects outside S3.
enum CanonicalURI {
    static func append(path: String, to output: inout [UInt8]) {
        let slash = UInt8(ascii: "/")
        if path == "/" || path.isEmpty {
            output.append(slash)
            return
        }
        let (segments, trailingSlash) = normalizedSegments(path)
        output.append(slash)
        for (position, segment) in segments.enumerated() {
            if position > 0 { output.append(slash) }
            URIEncoding.append(encoding: segment, to: &output)
        }
        if trailingSlash && !segments.isEmpty { output.append(slash) }
    }

    /// The path's segments after dot-segment removal, without empty ones, and
    /// whether the result ends in a slash (`/a/`, `/a/.`, `/a/b/..` all do).
    static func normalizedSegments(_ path: String) -> (segments: [Substring.UTF8View], trailingSlash: Bool) {
        let rawSegments = path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        var segments: [Substring.UTF8View] = []
        for segment in rawSegments {
            if segment.isEmpty || segment.elementsEqual(".".utf8) { continue }
            if segment.elementsEqual("..".utf8) {
                _ = segments.popLast()
            } else {
                segments.append(segment)
            }
        }
        let trailingSlash = rawSegments.last.map { $0.isEmpty || $0.elementsEqual(".".utf8) || $0.elementsEqual("..".utf8) } ?? false
        return (segments, trailingSlash)
    }
}
