import Foundation
import XCTest

/// Runs `checks/lib/moto_server.py`: an auth-enabled moto on 127.0.0.1 whose
/// admin key is the only one that signs successfully.
final class MotoServer {
    let endpoint: String
    let accessKeyId: String
    let secretAccessKey: String
    private let process: Process
    private let input: Pipe

    /// Starts the server, or skips the test when the Python tools are absent
    /// (`make test` sets AWS_USERID_TAGGER_REQUIRE_MOTO=1, turning that skip into a failure).
    init() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let venvPython = root.appendingPathComponent(".venv/bin/python")
        let python = FileManager.default.isExecutableFile(atPath: venvPython.path) ? venvPython.path : "/usr/bin/env"
        let arguments = python == "/usr/bin/env" ? ["python3"] : []
        let required = ProcessInfo.processInfo.environment["AWS_USERID_TAGGER_REQUIRE_MOTO"] == "1"

        process = Process()
        input = Pipe()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments + [root.appendingPathComponent("checks/lib/moto_server.py").path]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()

        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line.append(byte)
        }
        guard let info = try? JSONSerialization.jsonObject(with: line) as? [String: String],
              let endpoint = info["endpoint"], let key = info["accessKeyId"], let secret = info["secretAccessKey"]
        else {
            process.terminate()
            if required { throw NSError(domain: "MotoServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "moto_server did not start: run `make venv`"]) }
            throw XCTSkip("moto is not installed here; `make test` runs this test")
        }
        self.endpoint = endpoint
        accessKeyId = key
        secretAccessKey = secret
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
