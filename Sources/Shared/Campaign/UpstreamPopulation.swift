import PostgresBridge

/// "Use the population calculated upstream" (SPEC §2.1): the CRM ids a query on Campaign
/// returns (its first column).
///
/// The query is code from the workflow's configuration, which an API token holder can
/// edit, and the bridge's database role may write. So it runs in a `READ ONLY`
/// transaction (a query that would change data — `WITH d AS (DELETE …) SELECT …`, a
/// `nextval` — is refused by PostgreSQL, and nothing is changed) with a
/// `statement_timeout`; it is one statement (`PQexecParams` refuses several), so it cannot
/// commit and go on outside the transaction.
public enum UpstreamPopulation {
    /// The ids, without empty ones, in the order the query gives them.
    public static func ids(
        query sql: String, timeout: Duration, in database: any PostgresQueryable
    ) async throws -> [String] {
        let milliseconds = max(1, timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        let rows: PostgresRows
        do {
            rows = try await database.atomically(isolation: #isolation) { tx in
                try await tx.execute("SET TRANSACTION READ ONLY", [])
                _ = try await tx.query("SELECT set_config('statement_timeout', $1, true)", ["\(milliseconds)ms"])
                return try await tx.query(sql, [])
            }
        } catch let error as PostgresError where error.code == .server && !error.isRetriable {
            throw UpstreamPopulationError(error, timeout: timeout)
        }
        return (0..<rows.rowCount).compactMap { rows[$0, 0] }.filter { !$0.isEmpty }
    }
}

/// A population query PostgreSQL refused: it tries to change data, it ran longer than
/// its timeout, or it is not valid SQL. Only an operator can fix it.
public struct UpstreamPopulationError: Error, CustomStringConvertible, Sendable {
    public enum Reason: String, Sendable {
        /// It would write (SQLSTATE 25006 in the read-only transaction).
        case writes
        /// It ran longer than the timeout (SQLSTATE 57014).
        case timedOut
        /// Any other error of the query (syntax, unknown table, several statements…).
        case invalid
    }

    public var reason: Reason
    /// The server's message (never the query's text or values).
    public var serverMessage: String
    public var timeout: Duration

    init(_ error: PostgresError, timeout: Duration) {
        switch error.sqlState {
        case "25006": reason = .writes
        case "57014": reason = .timedOut
        default: reason = .invalid
        }
        serverMessage = error.message
        self.timeout = timeout
    }

    public var description: String {
        switch reason {
        case .writes:
            "the population query tries to change data, and it runs read-only: nothing was changed (\(serverMessage))"
        case .timedOut:
            "the population query ran longer than its timeout of \(timeout.components.seconds)s (populations.queryTimeout) and was cancelled"
        case .invalid:
            "the population query failed: \(serverMessage)"
        }
    }
}
