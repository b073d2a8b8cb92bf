import CurlHTTP
import Foundation
import TestSupport
import HTTP
import Synchronization
import XCTest

final class CurlTransportTests: XCTestCase {
    private func post(_ server: LoopbackServer, body: String = "Action=DescribeInstances") -> HTTPRequest {
        HTTPRequest(method: "POST", scheme: "http", host: "127.0.0.1", port: server.port,
                    headers: HTTPHeaders([("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), ("Host", "127.0.0.1:\(server.port)")]),
                    body: Array(body.utf8))
    }

    func testPostsExactlyWhatItIsGivenAndReadsTheResponse() throws {
        let server = try LoopbackServer([.respond(status: 200, body: "<ok/>")])
        defer { server.stop() }
        let response = try CurlTransport().send(post(server), timeout: 5)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "<ok/>")
        XCTAssertEqual(response.headers["x-amzn-requestid"], "loopback-1")

        let received = try XCTUnwrap(server.received.first)
        XCTAssertEqual(received.requestLine, "POST / HTTP/1.1")
        XCTAssertEqual(received.body, "Action=DescribeInstances")
        let headers = Dictionary(received.headers.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(headers["host"], "127.0.0.1:\(server.port)")
        XCTAssertEqual(headers["content-type"], "application/x-www-form-urlencoded; charset=utf-8")
        XCTAssertEqual(headers["content-length"], "24")
        XCTAssertNil(headers["expect"])
        XCTAssertNil(headers["accept"])
    }

    func testReusesTheConnectionAcrossCalls() throws {
        let server = try LoopbackServer([.respond(status: 200, body: "a"), .respond(status: 503, body: "b"), .respond(status: 200, body: "c")])
        defer { server.stop() }
        let transport = CurlTransport()
        XCTAssertEqual(try transport.send(post(server), timeout: 5).status, 200)
        XCTAssertEqual(try transport.send(post(server), timeout: 5).status, 503)
        XCTAssertEqual(try transport.send(post(server), timeout: 5).status, 200)
        XCTAssertEqual(server.connections, 1)
    }

    func testThreadsSharingATransportTakeTurnsOnOneConnection() throws {
        let server = try LoopbackServer((0..<8).map { .respond(status: 200, body: "answer \($0)", delay: 0.01) })
        defer { server.stop() }
        let transport = CurlTransport()
        let request = post(server)
        let bodies = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let body = (try? transport.send(request, timeout: 5)).map { String(decoding: $0.body, as: UTF8.self) } ?? "failed"
            bodies.withLock { $0.append(body) }
        }
        XCTAssertEqual(Set(bodies.withLock { $0 }), Set((0..<8).map { "answer \($0)" }))
        XCTAssertEqual(server.connections, 1)
    }

    func testTheWaitForATurnCountsAgainstTheTimeout() throws {
        let server = try LoopbackServer([.respond(status: 200, body: "slow", delay: 1)])
        defer { server.stop() }
        let transport = CurlTransport()
        let request = post(server)
        let first = DispatchSemaphore(value: 0)
        let slow = Mutex<Int?>(nil)
        DispatchQueue.global().async {
            slow.withLock { $0 = (try? transport.send(request, timeout: 5))?.status }
            first.signal()
        }
        while server.received.isEmpty { usleep(1000) }  // the slow exchange holds the connection
        XCTAssertThrowsError(try transport.send(request, timeout: 0.1)) { error in
            XCTAssertEqual((error as? TransportError)?.kind, .timedOut)
        }
        first.wait()
        XCTAssertEqual(slow.withLock { $0 }, 200, "the exchange that had the turn is untouched")
        XCTAssertEqual(server.connections, 1)
    }

    func testASlowResponseTimesOut() throws {
        let server = try LoopbackServer([.respond(status: 200, body: "late", delay: 2)])
        defer { server.stop() }
        XCTAssertThrowsError(try CurlTransport().send(post(server), timeout: 0.2)) {
            XCTAssertEqual(($0 as! TransportError).kind, .timedOut)
        }
    }

    func testARefusedConnectionIsAConnectionFailure() throws {
        let server = try LoopbackServer([])
        let request = post(server)
        server.stop()
        XCTAssertThrowsError(try CurlTransport().send(request, timeout: 5)) {
            XCTAssertEqual(($0 as! TransportError).kind, .connectionFailed)
        }
    }

    func testATruncatedBodyIsAConnectionFailure() throws {
        let server = try LoopbackServer([.truncate(body: "<DescribeInstancesResponse>", declaredLength: 500)])
        defer { server.stop() }
        XCTAssertThrowsError(try CurlTransport().send(post(server), timeout: 5)) {
            XCTAssertEqual(($0 as! TransportError).kind, .connectionFailed)
        }
    }

    func testAClosedConnectionWithoutAnswerIsAConnectionFailure() throws {
        let server = try LoopbackServer([.close])
        defer { server.stop() }
        XCTAssertThrowsError(try CurlTransport().send(post(server), timeout: 5)) {
            XCTAssertEqual(($0 as! TransportError).kind, .connectionFailed)
        }
    }

    func testABodyAboveTheLimitIsRefused() throws {
        let server = try LoopbackServer([.respond(status: 200, body: String(repeating: "x", count: 100_000))])
        defer { server.stop() }
        let transport = CurlTransport(options: .init(maxResponseBytes: 10_000))
        XCTAssertThrowsError(try transport.send(post(server), timeout: 5)) {
            XCTAssertEqual(($0 as! TransportError).kind, .responseTooLarge)
            // What arrived before the body is kept, so the caller can still tell who sent it.
            XCTAssertEqual(($0 as! TransportError).partialResponse?.status, 200)
            XCTAssertEqual(($0 as! TransportError).partialResponse?.headers["X-Amzn-RequestId"], "loopback-1")
            XCTAssertEqual(($0 as! TransportError).partialResponse?.body, [])
        }
    }
}
