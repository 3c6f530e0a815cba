import Config
import Foundation
import Synchronization

/// What a role's work receives for one run of its workflow: the config version it
/// was started with, and ways to report progress: counters (its `/metrics` and its
/// heartbeat), health (its `/healthz`) and free-form facts (its heartbeat).
public final class RoleRun: Sendable {
    public let workflow: WorkflowName
    public let configVersion: Int
    /// The workflow's YAML text of that version, as stored by the control service.
    public let configText: String
    /// The process's counters: they go on across runs, as `/metrics` counters do.
    public let counters: RoleCounters
    /// What the role's `/healthz` answers.
    public let health: RoleHealth
    /// This process's instance id (as in its heartbeat), which a reader also puts on
    /// what it publishes, so it can be told who published what.
    public let instance: String
    private let state = Mutex<(running: Bool, detail: [String: String], warning: String?)>((false, [:], nil))
    private let startsRunning = Mutex(0)

    package init(
        workflow: WorkflowName, configVersion: Int, configText: String, instance: String,
        counters: RoleCounters, health: RoleHealth
    ) {
        self.workflow = workflow
        self.configVersion = configVersion
        self.configText = configText
        self.instance = instance
        self.counters = counters
        self.health = health
    }

    /// Called by the work once its checks passed and it is doing its job: the workflow
    /// turns RUNNING when every role said so. The work connected to what it needs on the
    /// way here, so each of its dependencies counts as connected.
    public func markRunning() {
        state.withLock { $0.running = true }
        startsRunning.withLock { $0 += 1 }
        health.running()
    }

    /// How many times the work said it runs: once per attempt, so a number larger than
    /// at an error means the work recovered from it.
    var timesRunning: Int { startsRunning.withLock { $0 } }

    /// Called when the work waits for another instance to let go (a standby reader, also
    /// one that lost its lock): it is not doing its job, so it reports STARTING again.
    public func markStandby() { state.withLock { $0.running = false } }

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

    /// The heartbeat's `detail` JSON: the free-form facts, and the counters' totals (the
    /// same counts `/metrics` serves) for the control service's page and `/metrics`.
    var detailJSON: String {
        var object: [String: Any] = state.withLock { $0.detail }
        let snapshot = counters.snapshot
        object["recordsRead"] = snapshot.recordsRead
        object["recordsPublished"] = snapshot.recordsPublished
        object["recordsWritten"] = snapshot.recordsWritten
        object["recordsRejected"] = snapshot.recordsRejected
        object["batches"] = snapshot.batches
        object["errors"] = snapshot.errors
        object["latencySecondsSum"] = snapshot.latencySecondsSum
        object["latencyCount"] = snapshot.latencyCount
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
