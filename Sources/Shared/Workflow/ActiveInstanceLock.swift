import CoreValues
import Logging
import PostgresBridge

/// "One active instance per workflow" (SPEC §4): a session-level PostgreSQL advisory
/// lock held on a dedicated connection. A standby waits for it; when the active
/// process dies its connection closes, PostgreSQL releases the lock, and the
/// standby takes over.
public struct ActiveInstanceLock: Sendable {
    public let name: String
    let connection: PostgresConnection

    /// Waits (polling every `interval`) until this process holds the lock named `name`.
    public static func acquire(
        name: String, databaseURL: Secret, logger: Logger, interval: Duration = .seconds(1),
        onStandby: @Sendable () -> Void = {}
    ) async throws -> ActiveInstanceLock {
        let connection = try await PostgresConnection.connect(url: databaseURL, logger: logger)
        var reportedStandby = false
        while true {
            try Task.checkCancellation()
            let rows = try await connection.query("SELECT pg_try_advisory_lock(hashtext($1)::bigint) AS locked", [name])
            if try rows.bool(0, "locked") == true {
                if reportedStandby { logger.notice("standby took over", metadata: ["lock": "\(name)"]) }
                return ActiveInstanceLock(name: name, connection: connection)
            }
            if !reportedStandby {
                logger.notice("another instance is active; standing by", metadata: ["lock": "\(name)"])
                onStandby()
                reportedStandby = true
            }
            do {
                try await Task.sleep(for: interval)
            } catch {
                await connection.close()
                throw error
            }
        }
    }

    /// Checks the lock is still held (the connection may have been lost and re-made,
    /// which drops session locks).
    public func isHeld() async -> Bool {
        let rows = try? await connection.query(
            "SELECT count(*) > 0 AS held FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted", [])
        return (try? rows?.bool(0, "held")) == true
    }

    public func release() async {
        _ = try? await connection.query("SELECT pg_advisory_unlock(hashtext($1)::bigint)", [name])
        await connection.close()
    }
}
