import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program and collects its standard output. Injected so tests can
/// prove a path starts no process (the Lambda cold start).
package protocol ProcessRunning: AnyObject {
    /// Runs `arguments[0]` (looked up in PATH) with the rest as its arguments
    /// and `environment` as its environment, no shell in between. Standard
    /// input and error are this process's own: a helper can prompt on the
    /// terminal, and what it reports reaches the operator as it wrote it.
    /// - Returns: its standard output when it exits with status 0.
    func run(_ arguments: [String], environment: [String: String], outputLimit: Int, deadline: Date) -> Result<[UInt8], ProcessRunError>
}

package enum ProcessRunError: Error, Equatable, CustomStringConvertible {
    /// The program could not be started (not found, not executable).
    case cannotStart(program: String, reason: String)
    case exited(status: Int32)
    case killedBySignal(Int32)
    /// Still running at the deadline: it was killed.
    case timedOut
    /// It wrote more than the limit to standard output: it was killed.
    case outputTooLarge(limit: Int)
    case system(String)

    package var description: String {
        switch self {
        case .cannotStart(let program, let reason): "cannot run '\(program)': \(reason)"
        case .exited(let status): "exited with status \(status) (its standard error, if any, is above)"
        case .killedBySignal(let signal): "was killed by signal \(signal)"
        case .timedOut: "did not finish before the deadline and was stopped"
        case .outputTooLarge(let limit): "wrote more than \(limit) bytes to standard output and was stopped"
        case .system(let reason): reason
        }
    }
}

/// `posix_spawnp` with standard output on a pipe, read until the program
/// closes it, the deadline passes, or it writes more than the limit.
package final class SpawnedProcesses: ProcessRunning {
    package init() {}

    package func run(_ arguments: [String], environment: [String: String], outputLimit: Int,
                     deadline: Date) -> Result<[UInt8], ProcessRunError> {
        guard let program = arguments.first, !program.isEmpty else {
            return .failure(.cannotStart(program: "", reason: "the command is empty"))
        }
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return .failure(.system("pipe: \(String(cString: strerror(errno)))")) }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        // Neither end may leak into another program this process starts.
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 clears close-on-exec on the copy: the program's standard output is the pipe, nothing else leaks.
        posix_spawn_file_actions_adddup2(&actions, writeEnd, STDOUT_FILENO)

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, program, &actions, nil, argv, envp)
        close(writeEnd)
        guard spawned == 0 else {
            close(readEnd)
            return .failure(.cannotStart(program: program, reason: String(cString: strerror(spawned))))
        }
        defer { close(readEnd) }

        var output: [UInt8] = []
        var failure: ProcessRunError?
        var chunk = [UInt8](repeating: 0, count: 4096)
        reading: while true {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { failure = .timedOut; break }
            var poller = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining, 1) * 1000) + 1)
            if ready < 0 {
                if errno == EINTR { continue }
                failure = .system("poll: \(String(cString: strerror(errno)))")
                break
            }
            if ready == 0 { continue }
            let count = chunk.withUnsafeMutableBytes { Glibc.read(readEnd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                failure = .system("read: \(String(cString: strerror(errno)))")
                break
            }
            if count == 0 { break reading }
            output.append(contentsOf: chunk[..<count])
            if output.count > outputLimit { failure = .outputTooLarge(limit: outputLimit); break }
        }
        if failure != nil { kill(pid, SIGKILL) }
        let status = reap(pid, deadline: deadline)
        if let failure { return .failure(failure) }
        guard let status else { return .failure(.timedOut) }
        let signal = status & 0x7F
        if signal != 0 { return .failure(.killedBySignal(signal)) }
        let exitStatus = (status >> 8) & 0xFF
        return exitStatus == 0 ? .success(output) : .failure(.exited(status: exitStatus))
    }

    /// The wait status of `pid`; nil when it was still running at the
    /// deadline (it is then killed and reaped, so no zombie is left).
    private func reap(_ pid: pid_t, deadline: Date) -> Int32? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return status }
            if result < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if deadline.timeIntervalSinceNow <= 0 {
                kill(pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                return nil
            }
            usleep(2_000)
        }
    }
}
