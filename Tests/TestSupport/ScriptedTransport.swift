import AWSQuery
import Foundation
import HTTP
import Primitives
import SigV4

/// Plays AWS's side of an exchange: answers each request with the next scripted
/// outcome and records what was sent. Running out of script fails loudly.
package final class ScriptedTransport: HTTPTransport {
    package enum Outcome {
        case response(HTTPResponse)
        case failure(TransportError)
        /// Lets time pass on `clock` (a slow server) before answering.
        case delayed(seconds: Double, then: HTTPResponse)
    }

    package private(set) var requests: [HTTPRequest] = []
    package private(set) var timeouts: [Double?] = []
    private var script: [Outcome]
    private let clock: FakeClock?

    package init(_ script: [Outcome], clock: FakeClock? = nil) {
        self.script = script
        self.clock = clock
    }

    package func send(_ request: HTTPRequest, timeout: Double?) throws(TransportError) -> HTTPResponse {
        requests.append(request)
        timeouts.append(timeout)
        guard !script.isEmpty else { throw TransportError(.other, "ScriptedTransport: no outcome scripted for request \(requests.count)") }
        switch script.removeFirst() {
        case .response(let response):
            return response
        case .failure(let error):
            throw error
        case .delayed(let seconds, let response):
            if let timeout, seconds > timeout {
                clock?.advance(by: timeout)
                throw TransportError(.timedOut, "timed out after \(timeout) s")
            }
            clock?.advance(by: seconds)
            return response
        }
    }

    /// The form body of request `index` as (name, value) pairs, percent-decoded.
    package func formParameters(_ index: Int) -> [(String, String)] {
        let body = String(decoding: requests[index].body, as: UTF8.self)
        return body.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]).removingPercentEncoding ?? "", parts.count > 1 ? String(parts[1]).removingPercentEncoding ?? "" : "")
        }
    }
}

extension HTTPResponse {
    /// An XML response with the given status and body text.
    package static func xml(_ status: Int, _ body: String, headers: [(String, String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", "text/xml")] + headers), body: Array(body.utf8))
    }

    /// A JSON 1.1 protocol response (EventBridge, Organizations) with the given status and body text.
    package static func json(_ status: Int, _ body: String, headers: [(String, String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", "application/x-amz-json-1.1")] + headers), body: Array(body.utf8))
    }

    /// An EC2-shaped error body.
    package static func ec2Error(_ status: Int, code: String, message: String = "message", requestId: String = "req-1") -> HTTPResponse {
        .xml(status, "<Response><Errors><Error><Code>\(code)</Code><Message>\(message)</Message></Error></Errors><RequestID>\(requestId)</RequestID></Response>")
    }
}

extension QueryClient {
    /// A Query client for `service` in `region` whose requests go to `transport`,
    /// signed with a fixed test key, on `clock`, with no jitter.
    package static func scripted(service: String, region: String, apiVersion: String, transport: ScriptedTransport,
                                clock: FakeClock, accessKeyId: String = "AKIDEXAMPLE") -> QueryClient {
        let host = service == "iam" ? "iam.amazonaws.com" : "\(service).\(region).amazonaws.com"
        return QueryClient(
            endpoint: Endpoint(host: host, signingRegion: region, signingName: service), apiVersion: apiVersion,
            credentials: StaticCredentialsProvider(Credentials(accessKeyId: accessKeyId, secretAccessKey: "secret")),
            transport: transport, clock: clock, unitRandom: { 0 })
    }
}

extension JSONProtocolClient {
    /// A JSON 1.1 client for `signingName` in `region` whose requests go to
    /// `transport`, signed with a fixed test key, on `clock`, with no jitter.
    package static func scripted(host: String, region: String, signingName: String, targetPrefix: String,
                                 transport: ScriptedTransport, clock: FakeClock) -> JSONProtocolClient {
        JSONProtocolClient(
            endpoint: Endpoint(host: host, signingRegion: region, signingName: signingName), targetPrefix: targetPrefix,
            credentials: StaticCredentialsProvider(Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret")),
            transport: transport, clock: clock, unitRandom: { 0 })
    }
}
