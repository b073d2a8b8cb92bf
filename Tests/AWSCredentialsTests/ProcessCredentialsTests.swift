@testable import AWSCredentials
import AWSQuery
import Foundation
import Primitives
import SigV4
import TestSupport
import XCTest

/// `credential_process` against fake helper scripts in a temporary HOME.
final class ProcessCredentialsTests: TemporaryHomeTestCase {

    /// Writes an executable shell script and returns its path (in a directory with a space in its name).
    @discardableResult
    func helper(_ body: String, name: String = "helper") throws -> String {
        try home.write("bin dir/\(name)", "#!/bin/sh\n\(body)\n", executable: true)
    }

    func json(keyId: String = "ASIAPROCESS", expiration: Date? = nil, version: String = "1") -> String {
        let stamp = expiration.map { ",\"Expiration\":\"\(ISO8601DateFormatter().string(from: $0))\"" } ?? ""
        return "{\"Version\":\(version),\"AccessKeyId\":\"\(keyId)\",\"SecretAccessKey\":\"\(Marker.secret)\",\"SessionToken\":\"\(Marker.token)\"\(stamp)}"
    }

    func harness(command: String, clock: WallClock = SystemClock()) throws -> Harness {
        try home.write(".aws/config", "[profile tool]\ncredential_process = \(command)\n")
        var harness = Harness(["AWS_PROFILE": "tool", "PATH": "/usr/bin:/bin"], home: home)
        harness.clock = clock
        return harness
    }

    /// Quoted as the AWS CLI would need it: the path has a space.
    func quoted(_ path: String) -> String { "\"\(path)\"" }

    func testCredentialsWithExpirationAndWordsSplitLikeTheAWSCLI() throws {
        let expiration = Date().addingTimeInterval(3600).rounded
        let arguments = home.url.appendingPathComponent("arguments").path
        // The helper writes each argument on a line of its own: they arrive as the AWS CLI splits them.
        let script = try helper("printf '%s\\n' \"$@\" > '\(arguments)'\nprintf '%s' '\(json(expiration: expiration))'")
        let credentials = try harness(command: "\(quoted(script)) 'one two' \"th\\\"ree\" fo\\ ur").credentials()
        XCTAssertEqual(try String(contentsOfFile: arguments, encoding: .utf8), "one two\nth\"ree\nfo ur\n")
        XCTAssertEqual(credentials, Credentials(accessKeyId: "ASIAPROCESS", secretAccessKey: Marker.secret, sessionToken: Marker.token,
                                                expiration: expiration))
    }

    func testNoShellSeesTheCommand() throws {
        let marker = home.url.appendingPathComponent("pwned").path
        let script = try helper("printf '%s' '\(json())'")
        let credentials = try harness(command: "\(quoted(script)) '$(touch \(marker))' ; touch \(marker) `touch \(marker)`").credentials()
        XCTAssertEqual(credentials.accessKeyId, "ASIAPROCESS")
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker), "a shell ran the command")
    }

    func testWithoutExpirationTheCredentialsAreKept() throws {
        let script = try helper("printf '%s' '\(json())'")
        let resolved = try harness(command: quoted(script)).resolve()
        XCTAssertNil(try resolved.provider.credentials(deadline: Date().addingTimeInterval(5)).expiration)
        XCTAssertTrue(resolved.source.hasPrefix("credential_process of profile 'tool'"), resolved.source)
    }

    func testVersion2IsRefused() throws {
        let script = try helper("printf '%s' '\(json(version: "2"))'")
        let error = try harness(command: quoted(script)).resolveError()
        XCTAssertEqual(error?.setting, "AWS_PROFILE")
        XCTAssertEqual(error?.problem.contains("printed Version 2: only Version 1 is understood"), true, "\(error!)")
    }

    func testBadJSONIsRefusedWithoutQuotingIt() throws {
        for output in ["{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"\(Marker.secret)\"", "\(Marker.secret)\n", "",
                       "{\"Version\":1,\"AccessKeyId\":\"A\"}", "{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"\(Marker.secret)\"}",
                       "{\"Version\":\"1\",\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"\(Marker.secret)\"}",
                       "{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"\(Marker.secret)\",\"Expiration\":\"tomorrow\"}"] {
            let script = try helper("printf '%s' '\(output)'")
            let error = try harness(command: quoted(script)).resolveError()
            XCTAssertNotNil(error, output)
        }
    }

    func testExpiredCredentialsAreRefused() throws {
        let script = try helper("printf '%s' '\(json(expiration: Date().addingTimeInterval(-60)))'")
        let error = try harness(command: quoted(script)).resolveError()
        XCTAssertEqual(error?.problem.contains("gave credentials that expired at"), true, "\(error!)")
    }

    func testAFailingHelperIsNamedAndItsOutputNeverQuoted() throws {
        let script = try helper("printf '%s' '\(Marker.secret)'\necho 'helper: not signed in' >&2\nexit 3")
        let (error, stderr) = try capturingStandardError { try harness(command: quoted(script)).resolveError() }
        XCTAssertEqual(error?.problem.contains("exited with status 3"), true, "\(error!)")
        XCTAssertEqual(error?.problem.contains("credential_process of profile 'tool'"), true)
        XCTAssertTrue(stderr.contains("helper: not signed in"), "the helper's standard error passes through: \(stderr)")
    }

    func testAMissingProgramAndBrokenQuoting() throws {
        let missing = try harness(command: "/nonexistent/helper --flag \(Marker.secret)").resolveError()
        XCTAssertEqual(missing?.problem.contains("cannot run '/nonexistent/helper': No such file or directory"), true, "\(missing!)")
        let broken = try harness(command: "helper 'unclosed").resolveError()
        XCTAssertEqual(broken?.problem.contains("has a quote that is never closed"), true, "\(broken!)")
        XCTAssertEqual(try harness(command: "   ").resolveError()?.problem.contains("has no credential settings"), true,
                       "an empty value is no credential_process")
    }

    func testOversizedOutputIsRefused() throws {
        let script = try helper("yes xxxxxxxxxxxxxxx | head -c 200000")
        let error = try harness(command: quoted(script)).resolveError()
        XCTAssertEqual(error?.problem.contains("wrote more than \(ProcessCredentialsSource.outputLimit) bytes"), true, "\(error!)")
    }

    func testAHelperThatHangsIsStoppedAtTheDeadline() throws {
        let script = try helper("exec sleep 30")
        let harness = try harness(command: quoted(script))
        let start = Date()
        XCTAssertThrowsError(try harness.resolve(deadline: Date().addingTimeInterval(0.5))) { error in
            XCTAssertTrue("\(error)".contains("did not finish before the deadline"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
    }

    func testRefreshedBeforeExpiry() throws {
        let counter = home.url.appendingPathComponent("runs").path
        // Each run appends a line to the counter file and answers with the run number in the key id.
        let expiration = Date().addingTimeInterval(900)
        let script = try helper("""
            echo run >> '\(counter)'
            n=$(wc -l < '\(counter)' | tr -d ' ')
            printf '{"Version":1,"AccessKeyId":"ASIARUN%s","SecretAccessKey":"s","Expiration":"\(ISO8601DateFormatter().string(from: expiration))"}' "$n"
            """)
        let clock = FakeClock(now: Date())
        let provider = try harness(command: quoted(script), clock: clock).resolve().provider
        XCTAssertEqual(try provider.credentials(deadline: clock.now.addingTimeInterval(5)).accessKeyId, "ASIARUN1")
        clock.advance(by: 500)
        XCTAssertEqual(try provider.credentials(deadline: clock.now.addingTimeInterval(5)).accessKeyId, "ASIARUN1", "still fresh")
        clock.advance(by: 150)  // less than 5 minutes left
        XCTAssertEqual(try provider.credentials(deadline: clock.now.addingTimeInterval(5)).accessKeyId, "ASIARUN2")
    }

    func testShellWords() throws {
        XCTAssertEqual(try ShellWords.split("  a  b\tc\n"), ["a", "b", "c"])
        XCTAssertEqual(try ShellWords.split("'a b' \"c d\" e\\ f"), ["a b", "c d", "e f"])
        XCTAssertEqual(try ShellWords.split("a\"b c\"d ''"), ["ab cd", ""])
        XCTAssertEqual(try ShellWords.split(#""\$x \"q\" \\ \n" '\n'"#), [#"\$x "q" \ \n"#, #"\n"#])
        XCTAssertEqual(try ShellWords.split("a # b ; $(c) `d` | e"), ["a", "#", "b", ";", "$(c)", "`d`", "|", "e"])
        XCTAssertThrowsError(try ShellWords.split("'a"))
        XCTAssertThrowsError(try ShellWords.split("\"a"))
        XCTAssertThrowsError(try ShellWords.split("a\\"))
    }

    /// Runs `body` with file descriptor 2 redirected to a file, and returns what was written to it.
    private func capturingStandardError<T>(_ body: () throws -> T) throws -> (T, String) {
        let path = home.url.appendingPathComponent("stderr").path
        let file = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0o600)
        let saved = dup(2)
        dup2(file, 2)
        close(file)
        defer {
            dup2(saved, 2)
            close(saved)
        }
        let value = try body()
        return (value, (try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
    }
}

extension Date {
    /// Whole seconds: what an ISO 8601 timestamp without fractions keeps.
    var rounded: Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
}
