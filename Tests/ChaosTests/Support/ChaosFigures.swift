import Foundation
import Synchronization

/// What one scenario measured, for the table `make chaos` prints after the scenarios
/// (scripts/chaos.sh): one JSON line per scenario appended to `CHAOS_FIGURES` when set,
/// and always one `chaos figures:` line on standard output.
struct ChaosFigures: Codable, Sendable {
    var scenario: String
    var profile = ChaosProfile.current.name
    /// The CRM (emulator) the scenario ran against.
    var crm = "dynamics"
    /// Contacts loaded from the CRM into Campaign.
    var contacts = 0
    /// Of those, the ones already in Campaign when the trouble began (the rest arrived
    /// during or after it).
    var contactsBeforeTrouble = 0
    /// Roles killed with SIGKILL (or lock connections terminated) and started again.
    var kills = 0
    /// Records compared source against target at the end: contacts, email events, opt-out states.
    var recordsChecked = 0
    /// Rows in `crmbridge.rejects` at the end.
    var rejects = 0
    /// Error answers the CRM emulator injected (its `faultsInjected`: 429, 503, cut
    /// bodies), to the roles and to the test's own calls.
    var faultsInjected = 0
    /// Failed attempts of the test's own calls (its flips and reads): the faults among them
    /// were not the roles' to retry.
    var faultsMetByTest = 0
    /// CRM calls the roles themselves counted as sent again (`crmbridge_retries_total` of
    /// every role process, a killed one as read just before its kill).
    var roleRetries = 0
    /// Longest time, in seconds, from a disturbance until the affected role ran again.
    var recoverSeconds = 0.0
    /// Time from the end of the trouble until source and target were equal.
    var convergeSeconds = 0.0
    /// Where the time went: from the start until opt-in-out's first window (seeding, the
    /// roles starting, the contact load and opt-in-out's initial alignment), the events and
    /// flips with the trouble, and the final comparison (part of the converge time).
    var initialLoadSeconds = 0.0
    var loadSeconds = 0.0
    var compareSeconds = 0.0
    var totalSeconds = 0.0
    /// The scenario did not converge (its checks timed out): the figures up to then.
    var failed = false

    init(scenario: String, crm: String = "dynamics", contacts: Int = 0) {
        self.scenario = scenario
        self.crm = crm
        self.contacts = contacts
    }

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
