import CoreValues
import Logging
import PostgresBridge
import Synchronization

/// "One active instance per workflow" (SPEC §4): a session-level PostgreSQL advisory
/// lock held on a dedicated connection. A standby waits for it; when the active
/// process dies its connection closes, PostgreSQL releases the lock, and the
/// standby takes over.
///
/// The lock lives exactly as long as its session, so its connection never reconnects
/// (`reconnectsAfterLoss: false`): a re-made session would no longer hold it while a
/// standby already does. Its loss is noticed at once by watching the socket (the
/// connection LISTENs, so a dropped session ends its notifications), and within
/// `checkInterval` by asking the server, which also covers a session the server ended
/// without closing the socket. The work under the lock is cancelled as soon as it is
/// lost, after the `Lease.whenLost` actions ran (the reader stops its producer there,
/// before anything more leaves it).
///
/// What a lock alone cannot do: a network that silently drops packets leaves both sides
/// unaware until TCP gives up; the server ends the session (and a standby takes over)
/// while this process still waits on its check. Then the check's `checkTimeout` cancels
/// the work here.
public enum ActiveInstanceLock {
    public struct Configuration: Sendable {
        /// The lock's name; instances of one role share it.
        public var name: String
        public var databaseURL: Secret
        /// Between attempts while another instance holds the lock. Default 1 s.
        public var retryInterval: Duration = .seconds(1)
        /// Between checks that the lock is still held. Default 1 s.
        public var checkInterval: Duration = .seconds(1)
        /// A check not answered within this counts as a lost lock. Default 5 s.
        public var checkTimeout: Duration = .seconds(5)

        public init(name: String, databaseURL: Secret) {
            self.name = name
            self.databaseURL = databaseURL
        }

        var postgres: PostgresConfiguration {
            PostgresConfiguration(url: databaseURL, applicationName: "crmbridge-lock", reconnectsAfterLoss: false)
        }
    }

    /// Waits until this process holds the lock, runs `body` while it holds it, and
    /// releases it on every path. Throws `ActiveInstanceLockError.lost` when the lock was
    /// lost while `body` ran; `body` is cancelled then.
    public static func withLock<T: Sendable>(
        _ configuration: Configuration, logger: Logger, onStandby: @Sendable () -> Void = {},
        _ body: @escaping @Sendable (Lease) async throws -> T
    ) async throws -> T {
        let metadata: Logger.Metadata = ["lock": "\(configuration.name)"]
        return try await PostgresConnection.withConnection(configuration: configuration.postgres, logger: logger) { connection in
            try await acquire(configuration, on: connection, logger: logger, onStandby: onStandby)
            // Arms the socket watch: a listening connection sees its session end while idle.
            try await connection.listen(channel: watchChannel)
            let result = try await runWhileHeld(configuration, connection: connection, logger: logger, body)
            _ = try? await connection.query("SELECT pg_advisory_unlock(hashtext($1)::bigint)", [configuration.name])
            logger.debug("lock released", metadata: metadata)
            return result
        }
    }

    /// The channel the lock's connection listens on; nothing is sent on it.
    static let watchChannel = "crmbridge_lock_watch"

    private static func acquire(
        _ configuration: Configuration, on connection: PostgresConnection, logger: Logger, onStandby: @Sendable () -> Void
    ) async throws {
        var reportedStandby = false
        while true {
            try Task.checkCancellation()
            let rows = try await connection.query(
                "SELECT pg_try_advisory_lock(hashtext($1)::bigint) AS locked", [configuration.name])
            if try rows.bool(0, "locked") == true {
                if reportedStandby { logger.notice("standby took over", metadata: ["lock": "\(configuration.name)"]) }
                return
            }
            if !reportedStandby {
                logger.notice("another instance is active; standing by", metadata: ["lock": "\(configuration.name)"])
                onStandby()
                reportedStandby = true
            }
            try await Task.sleep(for: configuration.retryInterval)
        }
    }

    private static func runWhileHeld<T: Sendable>(
        _ configuration: Configuration, connection: PostgresConnection, logger: Logger,
        _ body: @escaping @Sendable (Lease) async throws -> T
    ) async throws -> T {
        let lease = Lease(name: configuration.name)
        return try await withThrowingTaskGroup(of: Outcome<T>.self) { group in
            group.addTask { .finished(try await body(lease)) }
            group.addTask {
                let reason = await watch(configuration, connection: connection)
                return .lost(reason)
            }
            guard let first = try await group.next() else { throw CancellationError() }
            switch first {
            case .finished(let value):
                group.cancelAll()
                return value
            case .lost(let reason):
                if Task.isCancelled { throw CancellationError() }
                logger.error("lost the lock; stopping the work", metadata: ["lock": "\(configuration.name)", "reason": "\(reason)"])
                await lease.markLost()
                group.cancelAll()
                // The work ends by cancellation; what it throws then is not the story.
                while (try? await group.next()) != nil {}
                // A standby, which tries every `retryInterval`, gets the first chance at it.
                try? await Task.sleep(for: configuration.retryInterval * 2)
                throw ActiveInstanceLockError.lost(name: configuration.name, reason: reason)
            }
        }
    }

    /// Returns when the lock is lost (or at once when cancelled), saying how it was seen.
    private static func watch(_ configuration: Configuration, connection: PostgresConnection) async -> String {
        await withTaskGroup(of: String?.self) { group in
            group.addTask {
                for await _ in connection.notifications {}
                return "the database connection was dropped"
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: configuration.checkInterval)
                    if Task.isCancelled { return nil }
                    if let reason = await check(connection, timeout: configuration.checkTimeout) { return reason }
                }
                return nil
            }
            let reason = await group.next() ?? nil
            group.cancelAll()
            return reason ?? "cancelled"
        }
    }

    /// Nil while the lock is held; otherwise why it is not. The query runs in a task of
    /// its own: a session stuck on a dead network would hold it until TCP gives up, and
    /// the answer is needed within `timeout`.
    static func check(_ connection: PostgresConnection, timeout: Duration) async -> String? {
        let answer = Mutex<CheckedContinuation<String?, Never>?>(nil)
        let resume: @Sendable (String?) -> Void = { reason in
            answer.withLock { continuation in
                continuation?.resume(returning: reason)
                continuation = nil
            }
        }
        var timer: Task<Void, Never>?
        let reason = await withCheckedContinuation { continuation in
            answer.withLock { $0 = continuation }
            Task {
                do {
                    let rows = try await connection.query(
                        "SELECT count(*) > 0 AS held FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted", [])
                    resume(try rows.bool(0, "held") == true ? nil : "the server no longer grants the lock")
                } catch {
                    resume("the lock could not be checked: \(error)")
                }
            }
            timer = Task {
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                resume("the lock check got no answer within \(timeout)")
            }
        }
        timer?.cancel()
        return reason
    }

    /// What the work under the lock sees of it.
    public final class Lease: Sendable {
        public let name: String
        private let state = Mutex<(lost: Bool, actions: [@Sendable () async -> Void])>((false, []))

        init(name: String) {
            self.name = name
        }

        /// True once the lock was lost (the work is being cancelled).
        public var isLost: Bool { state.withLock { $0.lost } }

        /// Runs `action` when the lock is lost, before the work is cancelled (at once if
        /// it is lost already): stop what must not go on without the lock.
        public func whenLost(_ action: @escaping @Sendable () async -> Void) async {
            let runNow = state.withLock { state -> Bool in
                if state.lost { return true }
                state.actions.append(action)
                return false
            }
            if runNow { await action() }
        }

        func markLost() async {
            let actions = state.withLock { state in
                state.lost = true
                defer { state.actions = [] }
                return state.actions
            }
            for action in actions { await action() }
        }
    }

    private enum Outcome<T: Sendable>: Sendable {
        case finished(T)
        case lost(String)
    }
}

public enum ActiveInstanceLockError: Error, CustomStringConvertible, Equatable {
    /// The lock's session ended while the work ran; the work was stopped. Transient: the
    /// role waits for the lock again, as a standby if another instance took it.
    case lost(name: String, reason: String)

    public var description: String {
        switch self {
        case .lost(let name, let reason): "lost the lock \(name) (\(reason)); waiting for it again"
        }
    }
}
