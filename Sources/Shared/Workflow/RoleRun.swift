import Config
import Foundation
import Synchronization

/// What a role's work receives for one run of its workflow: the config version it
/// was started with, and a way to report progress in its heartbeat.
public final class RoleRun: Sendable {
    public let workflow: WorkflowName
    public let configVersion: Int
    /// The workflow's YAML text of that version, as stored by the control service.
    public let configText: String
    public let counters = RoleCounters()
    private let state = Mutex<(running: Bool, detail: [String: String], warning: String?)>((false, [:], nil))

    init(workflow: WorkflowName, configVersion: Int, configText: String) {
        self.workflow = workflow
        self.configVersion = configVersion
        self.configText = configText
    }

    /// Called by the work once its checks passed and it is doing its job:
    /// the workflow turns RUNNING when every role said so.
    public func markRunning() { state.withLock { $0.running = true } }

    /// Free-form facts shown in status (e.g. `crmStartImport`, `crmEndDate`).
    public func setDetail(_ key: String, _ value: String?) {
        state.withLock { $0.detail[key] = value }
    }

    /// A condition the operator should see while the role keeps running (e.g. a long
    /// transaction holding the read horizon back): shown as the role's last error on
    /// the Workflows page, the API and the CLI, without failing the workflow. Nil clears it.
    public func setWarning(_ text: String?) { state.withLock { $0.warning = text } }

    var warning: String? { state.withLock { $0.warning } }

    var isRunning: Bool { state.withLock { $0.running } }

    /// The heartbeat's `detail` JSON: the counters and the free-form facts.
    var detailJSON: String {
        var object: [String: Any] = state.withLock { $0.detail }
        let snapshot = counters.snapshot
        object["recordsRead"] = snapshot.recordsRead
        object["recordsWritten"] = snapshot.recordsWritten
        object["recordsRejected"] = snapshot.recordsRejected
        object["errors"] = snapshot.errors
        object["latencySecondsSum"] = snapshot.latencySecondsSum
        object["latencyCount"] = snapshot.latencyCount
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Monotonic counters of one role process, reported in every heartbeat and
/// aggregated by the control service into `/metrics`.
public final class RoleCounters: Sendable {
    public struct Snapshot: Sendable, Equatable {
        public var recordsRead = 0
        public var recordsWritten = 0
        public var recordsRejected = 0
        public var errors = 0
        public var latencySecondsSum = 0.0
        public var latencyCount = 0
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public func read(_ n: Int) { state.withLock { $0.recordsRead += n } }
    public func written(_ n: Int) { state.withLock { $0.recordsWritten += n } }
    public func rejected(_ n: Int) { state.withLock { $0.recordsRejected += n } }
    public func error() { state.withLock { $0.errors += 1 } }
    /// End-to-end latency of applied records (CRM change → Campaign row).
    public func latency(seconds: Double, count: Int = 1) {
        state.withLock { $0.latencySecondsSum += seconds; $0.latencyCount += count }
    }
    public var snapshot: Snapshot { state.withLock { $0 } }
}
