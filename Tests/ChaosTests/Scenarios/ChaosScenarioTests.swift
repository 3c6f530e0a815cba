import Config
import Foundation
import KafkaBridge
import CoreValues
import TestSupport
import Testing
import WorkflowRuntime

/// Issue 16's scenarios over the whole local stack, one after the other (each starts seven
/// role processes). The short profile (`make test`) runs all six scaled down on Dynamics;
/// `CHAOS_PROFILE=full` (`make chaos`) runs them at full size on each CRM of `CHAOS_CRMS`
/// (both by default).
@Suite(.serialized) struct ChaosScenarioTests {
    static let profile = ChaosProfile.current

    /// SIGKILL of a random role every few seconds from the moment every role runs (the
    /// contact load, opt-in-out's initial alignment) until the events and flips are all
    /// made, each started again at once: nothing lost, nothing applied twice, every role
    /// back to RUNNING.
    @Test(arguments: profile.crms)
    func killingRandomRolesDuringTheLoadLosesNothingAndAppliesNothingTwice(crm: ChaosCRMSchema) async throws {
        let profile = Self.profile
        try await ChaosScenario(name: "kills", seed: 16_001, crm: crm, loadSeconds: profile.killSeconds, troubleFromStart: true).run { context in
            var random = SeededGenerator(seed: 61)
            var trouble = Trouble()
            let start = ContinuousClock.now
            while trouble.kills < profile.kills || ContinuousClock.now - start < .seconds(profile.killSeconds) || !context.loadFinished {
                try await context.pause(profile.killPause, &random)
                guard let victim = context.roles.processes.randomElement(using: &random) else { break }
                try await context.killAndRestart(victim.role, victim.process, into: &trouble)
            }
            return trouble
        }
    }

    /// The CRM answers 10% 429 (with `Retry-After`) and 10% 503, slowly, truncates some
    /// bodies, and every token expires twice (when a third and two thirds of the email
    /// events are in the CRM) until every event is there: retried, nothing lost, nothing
    /// twice, and the roles counted a retry (or an error) for every fault they met.
    @Test(arguments: profile.crms)
    func crmFaultsAreRetriedAndEveryRecordArrivesOnce(crm: ChaosCRMSchema) async throws {
        try await ChaosScenario(name: "crm-faults", seed: 16_004, crm: crm, loadSeconds: Self.profile.isFull ? 60 : 20).run { context in
            try await context.stack.admin("PUT", "/admin/faults", json: """
                {"throttleShare":0.1,"unavailableShare":0.1,"retryAfterSeconds":1,"addedLatencyMilliseconds":150,"truncateShare":0.05}
                """)
            for third in 1...2 {
                try await context.eventsInCRM(context.profile.events * third / 3)
                try await ChaosCRM.expireTokens(context.stack)
            }
            try await context.eventsInCRM(context.profile.events)
            try await context.stack.admin("PUT", "/admin/faults", json: "{}")
            return Trouble()
        }
    }

    /// Two processes of every reader role. The sessions holding the readers' locks are
    /// terminated (`pg_terminate_backend`) again and again: a standby takes over each time,
    /// and the contact topic shows one publisher at a time (per partition, the publishing
    /// instance changes at most once per takeover).
    @Test(arguments: profile.crms)
    func terminatingTheActiveReadersLockSessionsHandsOverToTheStandbys(crm: ChaosCRMSchema) async throws {
        let profile = Self.profile
        let replicas = Dictionary(uniqueKeysWithValues: ChaosRole.readers.map { ($0, 2) })
        try await ChaosScenario(name: "reader-takeover", seed: 16_006, crm: crm, replicas: replicas, loadSeconds: profile.isFull ? 40 : 20).run { context in
            var random = SeededGenerator(seed: 66)
            var trouble = Trouble()
            for _ in 0..<profile.takeovers {
                try await context.pause(2...4, &random)
                let holders = "locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                let ended = try await context.stack.count("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_locks WHERE \(holders)) t")
                let terminated = ContinuousClock.now
                #expect(ended == ChaosRole.readers.count, "each reader role's lock was held by one session (\(ended))")
                try await context.roles.waitUntil("every reader lock held again", timeout: .seconds(60)) {
                    try await context.stack.count("SELECT count(*) FROM pg_locks WHERE \(holders)") == ChaosRole.readers.count
                }
                trouble.kills += ended
                trouble.recovered(since: terminated)
            }
            let messages = try await context.stack.messages(ChaosStack.contactTopic)
            for (partition, runs) in Self.publisherRuns(messages) {
                #expect(runs.count <= profile.takeovers + 1, "partition \(partition) switched publisher \(runs.count - 1) times for \(profile.takeovers) takeovers: \(runs)")
            }
            return trouble
        }
    }

    /// The broker's node goes down mid-load and comes back: every role rides it out.
    @Test(arguments: profile.crms)
    func aBrokerOutageMidLoadLosesNothing(crm: ChaosCRMSchema) async throws {
        let profile = Self.profile
        try await ChaosScenario(name: "broker-outage", seed: 16_002, crm: crm, loadSeconds: profile.brokerOutageSeconds + 30).run { context in
            try await context.midLoad(contacts: 0.25, events: 0.05)
            try context.stack.kafka.setBrokerDown(1)
            // The outage lasts its time (the scenario's trouble), whatever the roles do.
            try await Task.sleep(for: .seconds(profile.brokerOutageSeconds))
            try context.stack.kafka.setBrokerUp(1)
            let up = ContinuousClock.now
            var trouble = Trouble()
            for role in ChaosRole.all { try await context.roles.waitRunning(role) }
            trouble.recovered(since: up)
            return trouble
        }
    }

    /// PostgreSQL (Campaign and the bridge's state) restarts mid-load.
    @Test(arguments: profile.crms)
    func aDatabaseRestartMidLoadLosesNothing(crm: ChaosCRMSchema) async throws {
        try await ChaosScenario(
            name: "database-restart", seed: 16_003, crm: crm, privatePostgres: true, loadSeconds: Self.profile.databaseRestartLoadSeconds
        ).run { context in
            try await context.midLoad(contacts: 0.25, events: 0.05)
            let postgres = try #require(context.postgres)
            try await postgres.restart()
            let back = ContinuousClock.now
            var trouble = Trouble(kills: 1)
            try await context.roles.waitUntil("every role to beat again after the restart", timeout: .seconds(120)) {
                let beats = try await WorkflowName.allCases.asyncFlatMap { try await context.stack.heartbeats($0) }
                let now = Date()
                return ChaosRole.all.allSatisfy { role in
                    beats.contains { $0.role == role.role && $0.state == .running && now.timeIntervalSince($0.at) < 5 }
                }
            }
            trouble.recovered(since: back)
            return trouble
        }
    }

    /// Two writers of each workflow share its group; one of them is killed and started
    /// again and again (45 s in the full profile), so the group rebalances under load.
    @Test(arguments: profile.crms)
    func killingOneOfTwoWritersAgainAndAgainLosesNothing(crm: ChaosCRMSchema) async throws {
        let writers: [ChaosRole] = [.ingressWriter, .egressWriter, .optOutWriter]
        let replicas = Dictionary(uniqueKeysWithValues: writers.map { ($0, 2) })
        let seconds = Self.profile.rebalanceSeconds
        try await ChaosScenario(name: "rebalance", seed: 16_005, crm: crm, replicas: replicas, loadSeconds: seconds).run { context in
            var random = SeededGenerator(seed: 65)
            var trouble = Trouble()
            let start = ContinuousClock.now
            while ContinuousClock.now - start < .seconds(seconds) {
                try await context.pause(3...6, &random)
                let candidates = context.roles.processes.filter { writers.contains($0.role) }
                guard let victim = candidates.randomElement(using: &random) else { break }
                try await context.killAndRestart(victim.role, victim.process, into: &trouble)
            }
            return trouble
        }
    }

    /// Per partition, the publishing reader instances in offset order, each run once.
    static func publisherRuns(_ messages: [KafkaMessage]) -> [Int32: [String]] {
        var runs: [Int32: [String]] = [:]
        for message in messages.sorted(by: { ($0.partition, $0.offset) < ($1.partition, $1.offset) }) {
            let instance = message.header(EnvelopeHeaders.instance).map { String(decoding: $0, as: UTF8.self) } ?? "none"
            if runs[message.partition]?.last != instance { runs[message.partition, default: []].append(instance) }
        }
        return runs
    }
}

extension Sequence where Element: Sendable {
    func asyncFlatMap<T>(_ transform: (Element) async throws -> [T]) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result += try await transform(element) }
        return result
    }
}
