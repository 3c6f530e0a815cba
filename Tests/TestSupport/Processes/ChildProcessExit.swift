import Foundation

/// Waits for a child process to exit, also when Foundation misses the exit.
///
/// `Process.waitUntilExit` learns of an exit through Foundation's SIGCHLD handling. Once
/// it missed one (a killed python3 stayed a zombie) and the wait spun on its run loop
/// forever, which hung a whole test run. This polls instead: Foundation's own view first;
/// a child that has been a zombie, or gone, for a second without Foundation noticing is
/// reaped here with `waitpid`.
public enum ChildProcessExit {
    /// Returns once `process` has exited: false when Foundation saw it, true when it was
    /// reaped here (Foundation then still reports it running).
    @discardableResult
    public static func wait(for process: Process) -> Bool {
        let pid = process.processIdentifier
        var unnoticedSince: ContinuousClock.Instant?
        while process.isRunning {
            if state(of: pid).map({ $0 == "Z" }) ?? true {
                let since = unnoticedSince ?? .now
                unnoticedSince = since
                if ContinuousClock.now - since > .seconds(1) {
                    var status: Int32 = 0
                    let result = waitpid(pid, &status, WNOHANG)
                    if result == pid || (result == -1 && errno == ECHILD) { return true }
                }
            }
            usleep(5_000)
        }
        return false
    }

    /// The process state letter from `/proc/<pid>/stat` (`R`, `S`, `Z`…); nil when there is
    /// no such process any more.
    static func state(of pid: Int32) -> Character? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let nameEnd = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: nameEnd)...].first { $0 != " " }
    }
}
