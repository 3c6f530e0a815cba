import CoreValues
import PostgresBridge
import TestSupport
import Testing

@Suite struct PostgresPoolTests {
    @Test func thePoolNeverOpensMoreThanItsBoundAndServesEveryCaller() async throws {
        let url = try await TestPostgres.shared().freshDatabase()
        let pool = PostgresPool(configuration: PostgresConfiguration(url: Secret(url)), maxConnections: 2,
                                logger: TestPostgres.logger)
        let pids = try await withThrowingTaskGroup(of: Int32.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await pool.withConnection { connection in
                        try await connection.execute("SELECT pg_sleep(0.05)")
                        return try await connection.backendPID()
                    }
                }
            }
            var pids: [Int32] = []
            for try await pid in group { pids.append(pid) }
            return pids
        }
        #expect(pids.count == 8)
        #expect(Set(pids).count <= 2)
        // Sessions of this database seen by the server: the pool's two at most.
        let sessions = try await pool.query(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()")
        #expect(try sessions.int(0, "n").map { $0 <= 2 } == true)

        let inserted = try await pool.atomically { transaction in
            try await transaction.execute("CREATE TABLE t (v int)")
            return try await transaction.execute("INSERT INTO t VALUES (1), (2)")
        }
        #expect(inserted == 2)
        await pool.close()
        let error = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
        #expect(error?.code == .closed)
    }
}
