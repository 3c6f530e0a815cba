import CoreValues
import Foundation
import PostgresBridge
import Synchronization
import TestSupport
import Testing
@testable import WorkflowRuntime

/// The lock of "one active instance", against a real PostgreSQL: each test has a
/// database of its own (advisory locks are per database).
@Suite struct ActiveInstanceLockTests {
    let logger = TestPostgres.logger

    func configuration(_ url: String) -> ActiveInstanceLock.Configuration {
        var configuration = ActiveInstanceLock.Configuration(name: "test/\(UUID().uuidString)", databaseURL: Secret(url))
        configuration.retryInterval = .milliseconds(50)
        return configuration
    }

    /// The backend that holds an advisory lock in this database, if one does.
    func lockHolder(_ admin: PostgresConnection) async throws -> Int? {
        let rows = try await admin.query(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")
        return rows.isEmpty ? nil : try rows.int(0, "pid")
    }

    func lockSessions(_ admin: PostgresConnection) async throws -> Int {
        try await admin.query(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'crmbridge-lock'"
        ).int(0, "n") ?? -1
    }

    @Test func aSecondInstanceStandsByUntilTheFirstLetsGo() async throws {
        let url = try await TestPostgres.shared().freshDatabase()
        let lock = configuration(url)
        let events = Recorder()
        let release = Recorder()
        let first = Task {
            try await ActiveInstanceLock.withLock(lock, logger: logger) { _ in
                events.append("first holds")
                while release.all.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
                events.append("first lets go")
            }
        }
        try await eventually("the first instance to hold the lock") { events.all == ["first holds"] }
        let second = Task {
            try await ActiveInstanceLock.withLock(lock, logger: logger, onStandby: { events.append("second stands by") }) { _ in
                events.append("second holds")
            }
        }
        try await eventually("the second instance to stand by") { events.all.contains("second stands by") }
        release.append("go")
        try await first.value
        try await second.value
        #expect(events.all == ["first holds", "second stands by", "first lets go", "second holds"])
    }

    @Test func aTerminatedSessionCancelsTheWorkAtOnceAndIsNotReestablished() async throws {
        let url = try await TestPostgres.shared().freshDatabase()
        var watchedOnly = configuration(url)
        // Only the socket watch can see it in time: the periodic check is out of the way.
        watchedOnly.checkInterval = .seconds(3600)
        let lock = watchedOnly
        let seen = Recorder()
        let work = Task {
            try await ActiveInstanceLock.withLock(lock, logger: logger) { lease in
                await lease.whenLost { seen.append("lost") }
                seen.append("holds")
                do {
                    try await Task.sleep(for: .seconds(3600))
                } catch {
                    seen.append(lease.isLost ? "cancelled after the loss" : "cancelled before the loss")
                    throw error
                }
            }
        }
        let admin = try await PostgresConnection.connect(url: Secret(url), logger: logger)
        try await eventually("the lock to be held") { seen.all == ["holds"] }
        let pid = try #require(try await lockHolder(admin))
        _ = try await admin.query("SELECT pg_terminate_backend($1)", [String(pid)])

        let error = await #expect(throws: ActiveInstanceLockError.self) {
            try await TestPostgres.withDeadline(.seconds(30)) { try await work.value }
        }
        guard case .lost(let name, _) = error else { return }
        #expect(name == lock.name)
        #expect(seen.all == ["holds", "lost", "cancelled after the loss"])
        // The session is gone for good: nothing holds the lock, nothing reconnected.
        #expect(try await lockHolder(admin) == nil)
        #expect(try await lockSessions(admin) == 0)
        await admin.close()
    }

    @Test func theLockAndItsConnectionAreReleasedWhenTheWorkThrows() async throws {
        struct SetupFailed: Error {}
        let url = try await TestPostgres.shared().freshDatabase()
        let lock = configuration(url)
        let admin = try await PostgresConnection.connect(url: Secret(url), logger: logger)
        await #expect(throws: SetupFailed.self) {
            try await ActiveInstanceLock.withLock(lock, logger: logger) { _ in
                #expect(try await lockHolder(admin) != nil)
                throw SetupFailed()
            }
        }
        #expect(try await lockHolder(admin) == nil)
        try await eventually("the lock's session to end") { try await lockSessions(admin) == 0 }
        await admin.close()
    }

    @Test func theCheckSeesTheLockHeldOnlyByItsOwnSession() async throws {
        let url = try await TestPostgres.shared().freshDatabase()
        let connection = try await PostgresConnection.connect(url: Secret(url), logger: logger)
        #expect(await ActiveInstanceLock.check(connection, timeout: .seconds(10)) == "the server no longer grants the lock")
        _ = try await connection.query("SELECT pg_advisory_lock(42)")
        #expect(await ActiveInstanceLock.check(connection, timeout: .seconds(10)) == nil)
        await connection.close()
    }
}

/// What happened, in order, as seen from several tasks.
final class Recorder: Sendable {
    private let events = Mutex<[String]>([])
    var all: [String] { events.withLock { $0 } }
    func append(_ event: String) { events.withLock { $0.append(event) } }
}
