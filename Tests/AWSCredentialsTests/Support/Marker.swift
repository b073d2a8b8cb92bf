import Foundation
import XCTest

/// Secrets no message may ever contain: every test that can fail with a
/// message checks it against these.
enum Marker {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRETMARKER"
    static let token = "SESSIONTOKENMARKER/FwoGZXIvYXdzEBYaDH+ABC=="
    static let bearer = "BEARERTOKENMARKER-aoaAAAAAGYm"
    static let all = [secret, token, bearer]

    static func assertAbsent(in error: any Error, file: StaticString = #filePath, line: UInt = #line) {
        for text in ["\(error)", String(reflecting: error)] {
            for marker in all {
                XCTAssertFalse(text.contains(marker), "a secret in: \(text)", file: file, line: line)
            }
        }
    }
}

/// A temporary HOME with its `.aws` directory, removed after the test.
final class TemporaryHome {
    let url: URL
    var path: String { url.path }

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("credentials-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url.appendingPathComponent(".aws/sso/cache"), withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `text` at `relative` (under HOME) and returns the absolute path.
    @discardableResult
    func write(_ relative: String, _ text: String, executable: Bool = false) throws -> String {
        let file = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path) }
        return file.path
    }
}

/// A test case with a fresh temporary HOME for each test.
class TemporaryHomeTestCase: XCTestCase {
    var home: TemporaryHome!

    override func setUpWithError() throws {
        try super.setUpWithError()
        home = try TemporaryHome()
    }

    override func tearDown() {
        home = nil
        super.tearDown()
    }
}
