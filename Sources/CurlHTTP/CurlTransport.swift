import CCurl
import FoundationEssentials
import HTTP
import Primitives
#if canImport(Glibc)
import Glibc
#endif

/// `HTTPTransport` over one libcurl easy handle, reused so the connection
/// (and its TLS session) survives from call to call. TLS verification is
/// always on; there is no switch to turn it off. Threads may share one:
/// their exchanges take turns on its connection, and the wait for a turn
/// counts against the exchange's timeout.
///
/// Making one costs nothing: libcurl (and with it its TLS library) is set up
/// by the first exchange of the process, and the handle by the transport's
/// first. So a thread can sign its first request while another sets libcurl up.
package final class CurlTransport: HTTPTransport, @unchecked Sendable {
    package struct Options: Sendable {
        package var connectTimeout: Double
        /// Bodies above this are refused rather than buffered without bound.
        package var maxResponseBytes: Int
        /// nil: libcurl's built-in default (a bundle file path compiled in).
        package var trustStore: TrustStore?
        /// Proxy variables are ignored for the Lambda Runtime API, which is always local.
        package var ignoreProxyEnvironment: Bool

        package init(connectTimeout: Double = 2, maxResponseBytes: Int = 16 << 20, trustStore: TrustStore? = nil,
                    ignoreProxyEnvironment: Bool = false) {
            self.connectTimeout = connectTimeout
            self.maxResponseBytes = maxResponseBytes
            self.trustStore = trustStore
            self.ignoreProxyEnvironment = ignoreProxyEnvironment
        }
    }

    /// Made by the first exchange, under `turn`.
    private var handle: UnsafeMutableRawPointer?
    private let options: Options
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    /// Held for a whole exchange: a libcurl easy handle serves one transfer at a time.
    private let turn = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    package init(options: Options = Options()) {
        self.options = options
        pthread_mutex_init(turn, nil)
    }

    deinit {
        if let handle { curl_easy_cleanup(handle) }
        errorBuffer.deallocate()
        pthread_mutex_destroy(turn)
        turn.deallocate()
    }

    package func send(_ request: HTTPRequest, timeout: Double?) throws(TransportError) -> HTTPResponse {
        let waited = try takeTurn(within: timeout)
        defer { pthread_mutex_unlock(turn) }
        return try exchange(request, on: try easyHandle(), timeout: timeout.map { $0 - waited })
    }

    /// The easy handle, made at the first exchange (the caller holds `turn`).
    private func easyHandle() throws(TransportError) -> UnsafeMutableRawPointer {
        if let handle { return handle }
        guard Self.globalInit == CURLE_OK, let made = curl_easy_init() else {
            throw TransportError(.other, "libcurl could not be initialised")
        }
        handle = made
        return made
    }

    /// Waits until no other thread is exchanging on this transport, at most
    /// `timeout` seconds (nil: as long as it takes); returns the seconds waited.
    private func takeTurn(within timeout: Double?) throws(TransportError) -> Double {
        if pthread_mutex_trylock(turn) == 0 { return 0 }
        let start = Self.monotonicSeconds()
        guard let timeout else {
            pthread_mutex_lock(turn)
            return Self.monotonicSeconds() - start
        }
        // pthread_mutex_timedlock takes a CLOCK_REALTIME instant.
        var limit = Glibc.timespec.fromNow(timeout, on: CLOCK_REALTIME)
        guard pthread_mutex_timedlock(turn, &limit) == 0 else {
            throw TransportError(.timedOut, "the connection stayed busy with another exchange for the whole timeout")
        }
        return Self.monotonicSeconds() - start
    }

    private static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    private func exchange(_ request: HTTPRequest, on handle: UnsafeMutableRawPointer, timeout: Double?) throws(TransportError) -> HTTPResponse {
        let collector = ResponseCollector(limit: options.maxResponseBytes)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for field in request.headers {
            headerList = curl_slist_append(headerList, "\(field.name): \(field.value)")
        }
        // No `Expect: 100-continue` round trip, and no Accept header we did not choose.
        headerList = curl_slist_append(headerList, "Expect:")
        headerList = curl_slist_append(headerList, "Accept:")

        curl_easy_reset(handle)
        errorBuffer[0] = 0
        let code: CURLcode = request.url.withCString { url in
            request.body.withUnsafeBufferPointer { body in
                let context = Unmanaged.passUnretained(collector).toOpaque()
                var result = configure(handle, url: url, method: request.method, body: body, headers: headerList, timeout: timeout)
                if result == CURLE_OK { result = ccurl_setopt_ptr(handle, CURLOPT_WRITEDATA, context) }
                if result == CURLE_OK { result = ccurl_setopt_ptr(handle, CURLOPT_HEADERDATA, context) }
                if result == CURLE_OK { result = ccurl_setopt_write(handle, ResponseCollector.writeBody) }
                if result == CURLE_OK { result = ccurl_setopt_header(handle, ResponseCollector.writeHeader) }
                guard result == CURLE_OK else { return result }
                return curl_easy_perform(handle)
            }
        }
        guard code == CURLE_OK else { throw transportError(code, on: handle, collector: collector) }
        var status = 0
        ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: collector.headers, body: collector.body)
    }

    private func configure(_ handle: UnsafeMutableRawPointer, url: UnsafePointer<CChar>, method: String, body: UnsafeBufferPointer<UInt8>,
                           headers: UnsafeMutablePointer<curl_slist>?, timeout: Double?) -> CURLcode {
        var settings: [(CURLoption, Int)] = [
            (CURLOPT_NOSIGNAL, 1), (CURLOPT_TCP_NODELAY, 1), (CURLOPT_SSL_VERIFYPEER, 1), (CURLOPT_SSL_VERIFYHOST, 2),
            // TLS 1.2 at least, whatever the library's default: AWS's endpoints require it too.
            (CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2),
            (CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1)), (CURLOPT_FOLLOWLOCATION, 0),
            (CURLOPT_CONNECTTIMEOUT_MS, max(1, Int(options.connectTimeout * 1000))),
            (CURLOPT_TIMEOUT_MS, timeout.map { max(1, Int(($0 * 1000).rounded(.up))) } ?? 0),
        ]
        switch method {
        case "GET": settings.append((CURLOPT_HTTPGET, 1))
        case "POST": settings += [(CURLOPT_POST, 1), (CURLOPT_POSTFIELDSIZE, body.count)]
        default: break
        }
        for (option, value) in settings {
            let result = ccurl_setopt_long(handle, option, value)
            guard result == CURLE_OK else { return result }
        }
        var result = ccurl_setopt_ptr(handle, CURLOPT_URL, url)
        if result == CURLE_OK { result = ccurl_setopt_ptr(handle, CURLOPT_ERRORBUFFER, errorBuffer) }
        if result == CURLE_OK { result = ccurl_setopt_ptr(handle, CURLOPT_PROTOCOLS_STR, "http,https") }
        if result == CURLE_OK { result = ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers) }
        if result == CURLE_OK, method == "POST" {
            // An empty body still needs a valid pointer, or libcurl reads from stdin.
            result = ccurl_setopt_ptr(handle, CURLOPT_POSTFIELDS, UnsafeRawPointer(body.baseAddress) ?? UnsafeRawPointer(errorBuffer))
        }
        if result == CURLE_OK, method != "GET", method != "POST" {
            result = ccurl_setopt_ptr(handle, CURLOPT_CUSTOMREQUEST, method)
        }
        switch options.trustStore {
        case .bundle(let path):
            if result == CURLE_OK { result = ccurl_setopt_ptr(handle, CURLOPT_CAINFO, path) }
            if result == CURLE_OK { result = ccurl_setopt_ptr(handle, CURLOPT_CAPATH, nil) }
        case .directory(let path):
            if result == CURLE_OK { result = ccurl_setopt_ptr(handle, CURLOPT_CAPATH, path) }
            // No bundle beside it: the compiled-in default file would be parsed whole.
            if result == CURLE_OK { result = ccurl_setopt_ptr(handle, CURLOPT_CAINFO, nil) }
        case nil:
            break
        }
        if result == CURLE_OK, options.ignoreProxyEnvironment { result = ccurl_setopt_ptr(handle, CURLOPT_NOPROXY, "*") }
        return result
    }

    private func transportError(_ code: CURLcode, on handle: UnsafeMutableRawPointer, collector: ResponseCollector) -> TransportError {
        let detail = String(cString: errorBuffer)
        let message = "curl error \(code.rawValue): " + (detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail)
        if collector.overflowed {
            var status = 0
            ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            return TransportError(.responseTooLarge, "response body larger than \(options.maxResponseBytes) bytes",
                                  partialResponse: HTTPResponse(status: status, headers: collector.headers))
        }
        switch code {
        case CURLE_OPERATION_TIMEDOUT: return TransportError(.timedOut, message)
        // A handshake cut short (35) is the network's doing, like a reset: worth another try.
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_SEND_ERROR,
             CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_SSL_CONNECT_ERROR:
            return TransportError(.connectionFailed, message)
        // A certificate that fails verification, or a CA bundle that cannot be read, fails every time.
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM:
            return TransportError(.tls, message)
        default: return TransportError(.other, message)
        }
    }
}

/// Receives libcurl's header and body callbacks for one exchange.
private final class ResponseCollector {
    var headers = HTTPHeaders()
    var body: [UInt8] = []
    var overflowed = false
    let limit: Int

    init(limit: Int) { self.limit = limit }

    static let writeBody: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
        data, size, count, context in
        guard let data, let context else { return 0 }
        let collector = Unmanaged<ResponseCollector>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        guard collector.body.count + length <= collector.limit else {
            collector.overflowed = true
            return 0  // makes libcurl abort the transfer
        }
        data.withMemoryRebound(to: UInt8.self, capacity: length) {
            collector.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
        }
        return length
    }

    static let writeHeader: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
        data, size, count, context in
        guard let data, let context else { return 0 }
        let collector = Unmanaged<ResponseCollector>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
        if line.hasPrefix("HTTP/") {
            collector.headers = HTTPHeaders()  // a new status line (after 100 Continue or a proxy) starts over
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].trimmingWhitespace(), value = line[line.index(after: colon)...].trimmingWhitespace()
            collector.headers.add(name, value)
            // A large body announced up front (a page of 1,000 instances is
            // megabytes) is read into one buffer of its size, not one that
            // doubles and copies on the way.
            if name.lowercased() == "content-length", let length = Int(value), length > 0, collector.body.isEmpty {
                collector.body.reserveCapacity(min(length, collector.limit))
            }
        }
        return length
    }
}
