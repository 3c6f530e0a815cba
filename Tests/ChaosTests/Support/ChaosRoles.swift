import Config
import Foundation
import Synchronization
import TestSupport
import Testing
import WorkflowRuntime

/// One role of the three workflows as `make run` starts it: which executable, which
/// subcommand, and which workflow's heartbeat it writes.
struct ChaosRole: Sendable, Hashable, CustomStringConvertible {
    var workflow: WorkflowName
    var executable: String
    var role: String

    var description: String { "\(executable) \(role)" }

    static let ingressReader = ChaosRole(workflow: .crmToCampaign, executable: "IngressService", role: "reader")
    static let ingressWriter = ChaosRole(workflow: .crmToCampaign, executable: "IngressService", role: "writer")
    static let egressReader = ChaosRole(workflow: .campaignToCRM, executable: "EgressService", role: "reader")
    static let egressWriter = ChaosRole(workflow: .campaignToCRM, executable: "EgressService", role: "writer")
    static let optOutCRMReader = ChaosRole(workflow: .optInOut, executable: "OptOutService", role: "crm-reader")
    static let optOutCampaignReader = ChaosRole(workflow: .optInOut, executable: "OptOutService", role: "campaign-reader")
    static let optOutWriter = ChaosRole(workflow: .optInOut, executable: "OptOutService", role: "writer")

    static let all: [ChaosRole] = [
        ingressReader, ingressWriter, egressReader, egressWriter, optOutCRMReader, optOutCampaignReader, optOutWriter,
    ]
    static let readers: [ChaosRole] = [ingressReader, egressReader, optOutCRMReader, optOutCampaignReader]
}

/// Every role process of one scenario, each its own process; killed ones are started again.
final class ChaosRoles: Sendable {
    let stack: TestStack
    private let running = Mutex<[(role: ChaosRole, process: RoleProcessHandle)]>([])
    /// Every process ever started, for the logs and the secrets grep.
    private let everyProcess = Mutex<[RoleProcessHandle]>([])
    /// Each running process's `--metrics-port`, by pid.
    private let metricsPorts = Mutex<[Int32: Int]>([:])
    /// What killed processes had counted, read just before each kill.
    private let countedByKilled = Mutex(RoleTally())

    init(stack: TestStack) { self.stack = stack }

    /// Starts `replicas` processes of each role.
    func start(_ roles: [ChaosRole] = ChaosRole.all, replicas: [ChaosRole: Int] = [:]) throws {
        for role in roles {
            for _ in 0..<(replicas[role] ?? 1) { try spawn(role) }
        }
    }

    @discardableResult
    func spawn(_ role: ChaosRole) throws -> RoleProcessHandle {
        let port = try TestPostgres.freePort()
        let process = try RoleProcessHandle(
            role.executable, [role.role, "--metrics-port", "\(port)", "--metrics-host", "127.0.0.1"],
            environment: ChaosSecrets.environment(stack))
        metricsPorts.withLock { $0[process.pid] = port }
        running.withLock { $0.append((role, process)) }
        everyProcess.withLock { $0.append(process) }
        return process
    }

    var processes: [(role: ChaosRole, process: RoleProcessHandle)] { running.withLock { $0 } }

    /// SIGKILL to `process`; it is no longer counted as running. What it had counted is
    /// read first (what it counts between that read and the kill is lost with it).
    func kill(_ process: RoleProcessHandle) async {
        if let tally = try? await tally(process) { countedByKilled.withLock { $0 += tally } }
        process.kill()
        running.withLock { $0.removeAll { $0.process === process } }
    }

    /// Waits until a process of `role` started by this scenario reports RUNNING (its
    /// heartbeat's instance ends with its pid); `pid` narrows it to one process.
    func waitRunning(_ role: ChaosRole, pid: Int32? = nil, timeout: Duration = .seconds(120)) async throws {
        try await waitUntil("\(role) \(pid.map { "pid \($0) " } ?? "")to report RUNNING", timeout: timeout) {
            try await stack.heartbeats(role.workflow).contains { beat in
                beat.role == role.role && beat.state == .running && (pid.map { beat.instance.hasSuffix("-\($0)") } ?? true)
            }
        }
    }

    /// The CRM retries and the errors every process of this scenario counted in its
    /// `/metrics` (`crmbridge_retries_total`, `crmbridge_errors_total`), killed ones as
    /// last read, per role.
    func tallies() async throws -> [ChaosRole: RoleTally] {
        var tallies: [ChaosRole: RoleTally] = [:]
        for (role, process) in processes { tallies[role, default: RoleTally()] += try await tally(process) }
        return tallies
    }

    /// What processes killed so far had counted, all roles together.
    var killedTally: RoleTally { countedByKilled.withLock { $0 } }

    private func tally(_ process: RoleProcessHandle) async throws -> RoleTally {
        guard let port = metricsPorts.withLock({ $0[process.pid] }) else { return RoleTally() }
        let metrics = try await RoleEndpointClient(port: port, http: stack.http).metrics()
        return RoleTally(retries: Int(metrics.sum(RoleMetricName.retries)), errors: Int(metrics.sum(RoleMetricName.errors)))
    }

    /// A role process that exited without being killed here (a crash).
    var exited: [String] {
        processes.filter { !$0.process.isRunning }.map { "\($0.process.name) (pid \($0.process.pid))" }
    }

    func stop() {
        for (_, process) in processes { process.terminate() }
        running.withLock { $0.removeAll() }
    }

    /// The output of every process this scenario started.
    var allOutput: String { everyProcess.withLock { $0 }.map(\.log).joined(separator: "\n") }

    var logs: String {
        everyProcess.withLock { $0 }.map { process in
            let lines = process.log.split(separator: "\n").filter { !$0.contains("records=0 ") }
            return "--- \(process.name) (pid \(process.pid)\(process.isRunning ? "" : ", gone")):\n" + lines.suffix(25).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// `eventually`, recording the roles' logs when it times out.
    func waitUntil(
        _ what: @autoclosure () -> String, timeout: Duration, interval: Duration = .milliseconds(500),
        _ condition: () async throws -> Bool
    ) async throws {
        do {
            try await eventually(what(), timeout: timeout, interval: interval, condition)
        } catch {
            Issue.record("roles' logs:\n\(logs)")
            throw error
        }
    }

    deinit {
        for (_, process) in running.withLock({ $0 }) { process.kill() }
    }
}

/// What a role counted of its own trouble: CRM calls sent again, and errors after which its
/// work started over.
struct RoleTally: Sendable, Equatable {
    var retries = 0
    var errors = 0

    static func += (left: inout RoleTally, right: RoleTally) {
        left.retries += right.retries
        left.errors += right.errors
    }
}

extension PrometheusText {
    /// The sum of every series of the metric `name`, whatever its labels.
    func sum(_ name: String) -> Double {
        lines.reduce(0) { total, line in
            guard line.hasPrefix(name + "{") || line.hasPrefix(name + " "), let value = line.split(separator: " ").last.flatMap({ Double($0) }) else {
                return total
            }
            return total + value
        }
    }
}
