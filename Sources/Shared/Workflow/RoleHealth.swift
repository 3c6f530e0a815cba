import Config
import Foundation
import KafkaBridge
import PostgresBridge
import Synchronization

/// Whether a role is ready, as its `/healthz` answers: its work runs and it is
/// connected to each dependency it needs (its source, Kafka, its target). Every part
/// reports what it last saw: the supervisor its heartbeat on the Campaign database,
/// the work its connections when it starts and its calls as they succeed or fail.
public final class RoleHealth: Sendable {
    /// Something a role connects to.
    public struct Dependency: Hashable, Sendable, Comparable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }
        public static func < (a: Dependency, b: Dependency) -> Bool { a.name < b.name }

        /// The CRM (source of crm-to-campaign, target of campaign-to-crm).
        public static let crm = Dependency("crm")
        public static let kafka = Dependency("kafka")
        /// The Campaign database: workflow state and heartbeats, and Campaign's tables.
        public static let database = Dependency("database")
    }

    /// What `/healthz` answers.
    public struct Report: Sendable, Equatable {
        public var isReady: Bool { notReady.isEmpty }
        /// Per dependency (and `work` while it does not run), why it is not ready.
        public var notReady: [String: String]
        public var ready: [String]

        /// The JSON body: `{"status":"ready"|"not ready","ready":[…],"notReady":{name: reason}}`.
        public var json: String {
            let object: [String: Any] = [
                "status": isReady ? "ready" : "not ready", "ready": ready.sorted(), "notReady": notReady,
            ]
            guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
            return String(decoding: data, as: UTF8.self)
        }
    }

    private struct State {
        var work: String? = "not started yet"
        /// The error after which the work is being restarted, until it runs again.
        var retrying: String?
        var connections: [Dependency: String?] = [:]
        /// Per dependency, per watching client, why it is unreachable as a whole.
        var outages: [Dependency: [String: String]] = [:]
    }

    /// What the role needs connected to be ready.
    public let needs: Set<Dependency>
    private let state = Mutex(State())

    public init(needs: Set<Dependency>) {
        self.needs = needs
    }

    /// The work runs (`nil`), or why not: idle, starting, failed.
    public func work(_ reason: String?) {
        state.withLock { $0.work = reason }
    }

    /// The work threw and is restarted after a pause: not ready until it runs again
    /// (`running()`), and the dependency the error names is not connected.
    public func retrying(after error: any Error) {
        state.withLock { $0.retrying = "\(error)" }
        failed(error)
    }

    /// The work connected to everything it needs and does its job.
    public func running() {
        state.withLock { state in
            state.retrying = nil
            for dependency in needs { state.connections[dependency] = .some(nil) }
        }
    }

    /// The last call to `dependency` succeeded.
    public func connected(_ dependency: Dependency) {
        state.withLock { $0.connections[dependency] = .some(nil) }
    }

    /// The last call to `dependency` failed, with `reason` (an error's description: never
    /// a secret, as every integration's error type redacts them).
    public func disconnected(_ dependency: Dependency, _ reason: String) {
        state.withLock { $0.connections[dependency] = .some(reason) }
    }

    /// A failure of the work: a database or Kafka error names its dependency,
    /// anything else names `otherwise` when given.
    public func failed(_ error: any Error, otherwise: Dependency? = nil) {
        guard let dependency = Self.dependency(of: error) ?? otherwise else { return }
        disconnected(dependency, "\(error)")
    }

    /// A client of this role that watches `dependency` as a whole (a Kafka client: every
    /// broker down) says it is unreachable (`reason`), or no longer (`nil`: reachable again,
    /// or the client closed). Unlike `disconnected`, an outage holds whatever calls
    /// succeed meanwhile (a consumer's poll returns, empty, while no broker is up), until
    /// the client that reported it takes it back.
    public func outage(_ dependency: Dependency, client: String, _ reason: String?) {
        state.withLock { $0.outages[dependency, default: [:]][client] = reason }
    }

    public var report: Report {
        state.withLock { state in
            var report = Report(notReady: [:], ready: [])
            if let work = state.work ?? state.retrying.map({ "retrying after: \($0)" }) { report.notReady["work"] = work }
            for dependency in needs {
                if let outage = state.outages[dependency]?.sorted(by: { $0.key < $1.key }).first {
                    report.notReady[dependency.name] = outage.value
                    continue
                }
                switch state.connections[dependency] {
                case .some(.none): report.ready.append(dependency.name)
                case .some(.some(let reason)): report.notReady[dependency.name] = reason
                case .none: report.notReady[dependency.name] = "not connected yet"
                }
            }
            return report
        }
    }

    /// Why the work is not doing its job in `state`, or nil while it runs (a transient
    /// error while running shows on the dependency it names, not here).
    public static func workReason(_ state: RoleState, lastError: String?, workflow: WorkflowName) -> String? {
        switch state {
        case .running: nil
        case .idle: "\(workflow.rawValue) is not started"
        case .starting: "starting" + (lastError.map { " (retrying after: \($0))" } ?? "")
        case .failed: "failed: \(lastError ?? "unknown error")"
        }
    }

    static func dependency(of error: any Error) -> Dependency? {
        switch error {
        case is PostgresError: .database
        case is KafkaError: .kafka
        default: nil
        }
    }
}
