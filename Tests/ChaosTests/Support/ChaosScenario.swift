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
    /// The CRM the stack runs against.
    var crm: ChaosCRMSchema = .dynamics
    /// More than one process of a role (a standby reader, writers sharing a group).
    var replicas: [ChaosRole: Int] = [:]
    /// A PostgreSQL of its own (a scenario that restarts the server).
    var privatePostgres = false
    /// Seconds the events and flips are spread over.
    var loadSeconds = 20
    /// The trouble begins as soon as every role runs, during the contact load and
    /// opt-in-out's initial alignment, instead of after opt-in-out's first window (with the
    /// events and flips): the kills meet every part of the load.
    var troubleFromStart = false

    func run(_ trouble: @escaping @Sendable (ChaosContext) async throws -> Trouble) async throws {
        let ownFailures = ChaosCount()
        try await ChaosRetry.$failedAttempts.withValue(ownFailures) {
            try await run(trouble, ownFailures: ownFailures)
        }
    }

    private func run(_ trouble: @escaping @Sendable (ChaosContext) async throws -> Trouble, ownFailures: ChaosCount) async throws {
        let started = ContinuousClock.now
        let postgres = privatePostgres ? try await TestPostgres.makePrivate() : nil
        defer { if let postgres { Task { try? await postgres.stop() } } }
        let stack = try await ChaosStack.start(crm: crm, postgres: postgres)
        let profile = self.profile.sized(for: name, crm: crm)
        let data = ChaosData(stack: stack, profile: profile, seed: seed)
        try await data.prepare()
        for workflow in WorkflowName.allCases { try await stack.startWorkflow(workflow) }
        let roles = ChaosRoles(stack: stack)
        defer { roles.stop() }
        try roles.start(replicas: replicas)
        for role in ChaosRole.all { try await roles.waitRunning(role) }
        let context = ChaosContext(stack: stack, roles: roles, data: data, profile: profile, postgres: postgres)
        var loadedBefore = 0
        let early: Task<Trouble, any Error>? = troubleFromStart ? Task { try await trouble(context) } : nil
        // opt-in-out carries changes from its first window on (docs/opt-in-out.md), after its
        // initial alignment has read every contact and waited for their profiles.
        do {
            try await roles.waitUntil("opt-in-out's first CRM window", timeout: .seconds(120 + profile.contacts / 200)) {
                try await stack.option(ChaosStack.optOutLastImport) != nil
            }
        } catch {
            early?.cancel()
            throw error
        }
        if early == nil { loadedBefore = try await stack.count("SELECT count(*) FROM profiles WHERE crm_modified_at IS NOT NULL") }
        let loaded = ContinuousClock.now

        async let load: Void = {
            try await data.load(over: loadSeconds)
            context.loadDone.add(1)
        }()
        let troubleDone: Trouble
        if let early { troubleDone = try await early.value } else { troubleDone = try await trouble(context) }
        try await load
        let calm = ContinuousClock.now

        // The live contacts the CRM answered (the Salesforce seeder leaves 2% of them deleted).
        var figures = ChaosFigures(scenario: name, crm: crm.kind.rawValue, contacts: data.contactIDs.count)
        figures.contactsBeforeTrouble = loadedBefore
        figures.initialLoadSeconds = (loaded - started).seconds
        figures.loadSeconds = (calm - loaded).seconds
        figures.kills = troubleDone.kills
        figures.recoverSeconds = troubleDone.recoverSeconds
        try await stack.admin("PUT", "/admin/faults", json: "{}")
        let checked: (records: Int, compareSeconds: Double)
        do {
            checked = try await ChaosCheck(stack: stack, roles: roles, data: data).converge(timeout: profile.convergeTimeout)
        } catch {
            // The figures of a scenario that did not converge still say where its time went.
            figures.failed = true
            figures.convergeSeconds = (ContinuousClock.now - calm).seconds
            figures.totalSeconds = (ContinuousClock.now - started).seconds
            figures.publish()
            throw error
        }
        figures.recordsChecked = checked.records
        figures.convergeSeconds = (ContinuousClock.now - calm).seconds
        figures.compareSeconds = checked.compareSeconds
        figures.rejects = try await ChaosCheck(stack: stack, roles: roles, data: data).rejects()
        figures.faultsInjected = try await ChaosCRM.faultsInjected(stack)
        let tallies = try await roles.tallies()
        let counted = tallies.values.reduce(roles.killedTally) { total, tally in
            var total = total
            total += tally
            return total
        }
        figures.roleRetries = counted.retries
        figures.faultsMetByTest = ownFailures.total
        figures.totalSeconds = (ContinuousClock.now - started).seconds
        // Every fault injected into a role's call is retried there (a retry) or, when the
        // call could not be repeated, starts its work over (an error): without kills no
        // count is lost, so the roles' own counts cover every fault the test itself did not meet.
        if troubleDone.kills == 0 {
            let theirs = figures.faultsInjected - ownFailures.total
            #expect(counted.retries + counted.errors >= theirs,
                    "\(figures.faultsInjected) faults injected, \(ownFailures.total) met by the test's own calls, but the roles counted \(counted.retries) retries and \(counted.errors) errors: \(tallies)")
        }
        if figures.faultsInjected > ownFailures.total {
            let readers = ChaosRole.all.filter { $0 == .ingressReader || $0 == .optOutCRMReader }
            let writers: [ChaosRole] = [.egressWriter, .optOutWriter]
            #expect(readers.reduce(0) { $0 + (tallies[$1]?.retries ?? 0) } > 0, "the CRM readers counted no retry under faults: \(tallies)")
            #expect(writers.reduce(0) { $0 + (tallies[$1]?.retries ?? 0) } > 0, "the CRM writers counted no retry under faults: \(tallies)")
        }
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
    /// 1 once the events and flips are all made.
    let loadDone = ChaosCount()

    var loadFinished: Bool { loadDone.total > 0 }

    /// Sleeps a random pause of `range` seconds (tenths), from a generator of its own.
    func pause(_ range: ClosedRange<Int>, _ random: inout SeededGenerator) async throws {
        try await Task.sleep(for: .milliseconds(Int.random(in: (range.lowerBound * 1000)...(range.upperBound * 1000), using: &random)))
    }

    /// Waits until the load is well under way: `contacts` of the contacts in Campaign and
    /// `events` of all email events in the CRM (shares of the profile's sizes).
    func midLoad(contacts: Double, events: Double, timeout: Duration = .seconds(600)) async throws {
        let contactsWanted = Int(Double(profile.contacts) * contacts)
        let eventsWanted = Int(Double(profile.events) * events)
        var seen = (contacts: 0, events: 0)
        try await roles.waitUntil("mid-load: \(contactsWanted) contacts in Campaign and \(eventsWanted) events in the CRM (\(seen))", timeout: timeout, interval: .seconds(1)) {
            seen.contacts = try await stack.count("SELECT count(*) FROM profiles WHERE crm_modified_at IS NOT NULL")
            seen.events = try await ChaosEvents.adminCount(stack)
            return seen.contacts >= contactsWanted && seen.events >= eventsWanted
        }
    }

    /// Waits until the CRM holds `count` email events (the load's progress through campaign-to-crm).
    func eventsInCRM(_ count: Int, timeout: Duration = .seconds(600)) async throws {
        var seen = 0
        try await roles.waitUntil("\(count) email events in the CRM (\(seen))", timeout: timeout, interval: .seconds(1)) {
            seen = try await ChaosEvents.adminCount(stack)
            return seen >= count
        }
    }

    /// SIGKILL to `process` of `role`, a new process of the role at once, and the time
    /// until the new one reports RUNNING.
    func killAndRestart(_ role: ChaosRole, _ process: RoleProcessHandle, into trouble: inout Trouble) async throws {
        await roles.kill(process)
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
