import AWSQuery
import Foundation
import Primitives
import SigV4
import TestSupport
import XCTest

/// The refresh policy on its own, with a scripted source and a fake clock.
final class RefreshingCredentialsProviderTests: XCTestCase {
    final class ScriptedSource: CredentialsSource {
        let name = "the scripted source"
        var answers: [Result<Credentials, AWSError>]
        private(set) var fetches = 0
        private let lock = NSLock()

        init(_ answers: [Result<Credentials, AWSError>]) { self.answers = answers }

        func fetch(deadline: Date) throws(AWSError) -> Credentials {
            let answer: Result<Credentials, AWSError> = lock.withLock {
                fetches += 1
                return answers.isEmpty ? .failure(AWSError(code: .networkError, message: "script ran out")) : answers.removeFirst()
            }
            Thread.sleep(forTimeInterval: 0.01)
            return try answer.get()
        }
    }

    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    let clock = FakeClock()

    func keys(_ id: String, expiresIn seconds: Double?) -> Credentials {
        Credentials(accessKeyId: id, secretAccessKey: Self.secret, expiration: seconds.map { clock.now.addingTimeInterval($0) })
    }

    func testCredentialsWithoutExpirationAreFetchedOnce() throws {
        let source = ScriptedSource([.success(keys("A", expiresIn: nil))])
        let provider = RefreshingCredentialsProvider(source: source, clock: clock)
        for _ in 0..<3 { XCTAssertEqual(try provider.credentials(deadline: .distantFuture).accessKeyId, "A") }
        clock.advance(by: 365 * 86_400)
        XCTAssertEqual(try provider.credentials(deadline: .distantFuture).accessKeyId, "A")
        XCTAssertEqual(source.fetches, 1)
    }

    func testPastTheMandatoryMarginAFailureIsAnError() throws {
        let failure = AWSError(code: .networkError, message: "down")
        let source = ScriptedSource([.success(keys("A", expiresIn: 600)), .failure(failure), .failure(failure)])
        let provider = RefreshingCredentialsProvider(source: source, clock: clock)
        _ = try provider.credentials(deadline: .distantFuture)
        clock.advance(by: 600 - 200)
        XCTAssertEqual(try provider.credentials(deadline: .distantFuture).accessKeyId, "A")
        clock.advance(by: 200 - 30)  // 30 s left: not enough to sign with
        XCTAssertThrowsError(try provider.credentials(deadline: .distantFuture)) { error in
            XCTAssertEqual(error as? AWSError, failure)
        }
    }

    func testExpiredAnswersAreRefused() {
        let source = ScriptedSource([.success(keys("A", expiresIn: -1))])
        let provider = RefreshingCredentialsProvider(source: source, clock: clock)
        XCTAssertThrowsError(try provider.credentials(deadline: .distantFuture)) { error in
            XCTAssertEqual("\(error)", "credentials: InvalidResponse: the scripted source gave credentials that expired at 2015-08-30T12:35:59Z")
        }
    }

    func testThreadsShareOneFetch() throws {
        let inAnHour = Credentials(accessKeyId: "A", secretAccessKey: Self.secret, expiration: Date().addingTimeInterval(3600))
        let source = ScriptedSource([.success(inAnHour), .success(inAnHour)])
        let provider = RefreshingCredentialsProvider(source: source, clock: SystemClock())
        final class Seen: @unchecked Sendable {
            let lock = NSLock()
            var ids: [String] = []
        }
        let seen = Seen()
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            let id = (try? provider.credentials(deadline: .distantFuture).accessKeyId) ?? "error"
            seen.lock.withLock { seen.ids.append(id) }
        }
        XCTAssertEqual(Set(seen.ids), ["A"])
        XCTAssertEqual(seen.ids.count, 16)
        XCTAssertEqual(source.fetches, 1)
    }
}
