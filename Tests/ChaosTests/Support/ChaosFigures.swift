import Foundation
import Synchronization

/// What one scenario measured, for the table `make chaos` prints after the scenarios
/// (scripts/chaos.sh): one JSON line per scenario appended to `CHAOS_FIGURES` when set,
/// and always one `chaos figures:` line on standard output.
struct ChaosFigures: Codable, Sendable {
    var scenario: String
    var profile = ChaosProfile.current.name
    /// Roles killed with SIGKILL (or lock connections terminated) and started again.
    var kills = 0
    /// Records compared source against target at the end: contacts, email events, opt-out states.
    var recordsChecked = 0
    /// Rows in `crmbridge.rejects` at the end.
    var rejects = 0
    /// Error answers the CRM emulator injected, each retried by a role (`faultsInjected`),
    /// plus the retries the roles counted in their own `/metrics` where read.
    var retries = 0
    /// Longest time, in seconds, from a disturbance until the affected role ran again.
    var recoverSeconds = 0.0
    /// Time from the end of the trouble until source and target were equal.
    var convergeSeconds = 0.0
    var totalSeconds = 0.0

    init(scenario: String) { self.scenario = scenario }

    mutating func recovered(after seconds: Double) { recoverSeconds = max(recoverSeconds, seconds) }

    func publish() {
        guard let line = try? String(decoding: JSONEncoder().encode(self), as: UTF8.self) else { return }
        print("chaos figures: \(line)")
        guard let path = ProcessInfo.processInfo.environment["CHAOS_FIGURES"], !path.isEmpty else { return }
        Self.fileLock.withLock { _ in
            if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
            guard let handle = FileHandle(forWritingAtPath: path) else { return }
            handle.seekToEndOfFile()
            handle.write(Data((line + "\n").utf8))
            try? handle.close()
        }
    }

    private static let fileLock = Mutex(())
}
