import Config
import Foundation
import TestSupport
import Testing
import WorkflowRuntime

/// What a scenario's trouble did: how many roles it killed (or lock sessions it ended) and
/// how long the slowest took to run again.
struct Trouble: Sendable {
    var kills = 0
    var recoverSeconds = 0.0

    mutating func recovered(since start: ContinuousClock.Instant) {
        recoverSeconds = max(recoverSeconds, (ContinuousClock.now - start).seconds)
    }
}

/// The shape of every scenario: the three workflows started on a fresh stack, the load
/// (contacts, email events, opt-out flips) running while `trouble` happens, then the exact
/// comparison of source and target (`ChaosCheck`) and the figures.
struct ChaosScenario {
    var name: String
    var seed: UInt64
    var profile = ChaosProfile.current
    /// More than one process of a role (a standby reader, writers sharing a group).
    var replicas: [ChaosRole: Int] = [:]
    /// A PostgreSQL of its own (a scenario that restarts the server).
    var privatePostgres = false
    /// Seconds the events and flips are spread over.
    var loadSeconds = 20

    func run(_ trouble: @escaping @Sendable (ChaosContext) async throws -> Trouble) async throws {
        let started = ContinuousClock.now
        let postgres = privatePostgres ? try await TestPostgres.makePrivate() : nil
        defer { if let postgres { Task { try? await postgres.stop() } } }
        let stack = try await ChaosStack.start(postgres: postgres)
        let data = ChaosData(stack: stack, profile: profile, seed: seed)
        try await data.prepare()
        for workflow in WorkflowName.allCases { try await stack.startWorkflow(workflow) }
        let roles = ChaosRoles(stack: stack)
        defer { roles.stop() }
        try roles.start(replicas: replicas)
        for role in ChaosRole.all { try await roles.waitRunning(role) }
        // opt-in-out carries changes from its first window on (docs/opt-in-out.md).
        try await roles.waitUntil("opt-in-out's first CRM window", timeout: .seconds(60)) {
            try await stack.option(ChaosStack.optOutLastImport) != nil
        }

        let context = ChaosContext(stack: stack, roles: roles, data: data, profile: profile, postgres: postgres)
        async let load: Void = data.load(over: loadSeconds)
        let troubleDone = try await trouble(context)
        try await load
        let calm = ContinuousClock.now

        var figures = ChaosFigures(scenario: name)
        figures.kills = troubleDone.kills
        figures.recoverSeconds = troubleDone.recoverSeconds
        try await stack.admin("PUT", "/admin/faults", json: "{}")
        figures.recordsChecked = try await ChaosCheck(stack: stack, roles: roles, data: data).converge(timeout: profile.convergeTimeout)
        figures.convergeSeconds = (ContinuousClock.now - calm).seconds
        figures.rejects = try await ChaosCheck(stack: stack, roles: roles, data: data).rejects()
        figures.retries = try await ChaosCRM.faultsInjected(stack)
        figures.totalSeconds = (ContinuousClock.now - started).seconds
        let someRejects = try await stack.query("SELECT workflow, record_id, error_symbol, error_message FROM crmbridge.rejects LIMIT 5")
            .map { "\($0["workflow"] ?? "") \($0["record_id"] ?? "") \($0["error_symbol"] ?? ""): \($0["error_message"] ?? "")" }
        #expect(figures.rejects == 0, "records were rejected: \(someRejects)")
        for workflow in WorkflowName.allCases {
            let status = try await stack.status(workflow, roles: workflow.roles)?.status
            #expect(status == .running, "\(workflow.rawValue) is \(status.map { "\($0)" } ?? "unknown")")
        }
        figures.publish()
    }
}

/// What a scenario's trouble can reach.
struct ChaosContext: Sendable {
    let stack: TestStack
    let roles: ChaosRoles
    let data: ChaosData
    let profile: ChaosProfile
    let postgres: TestPostgres?

    /// Sleeps a random pause of `range` seconds (tenths), from a generator of its own.
    func pause(_ range: ClosedRange<Int>, _ random: inout SeededGenerator) async throws {
        try await Task.sleep(for: .milliseconds(Int.random(in: (range.lowerBound * 1000)...(range.upperBound * 1000), using: &random)))
    }

    /// SIGKILL to `process` of `role`, a new process of the role at once, and the time
    /// until the new one reports RUNNING.
    func killAndRestart(_ role: ChaosRole, _ process: RoleProcessHandle, into trouble: inout Trouble) async throws {
        roles.kill(process)
        let killed = ContinuousClock.now
        let new = try roles.spawn(role)
        try await roles.waitRunning(role, pid: new.pid)
        trouble.kills += 1
        trouble.recovered(since: killed)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
