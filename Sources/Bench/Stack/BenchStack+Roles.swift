import Config
import Foundation
import PostgresBridge

extension BenchStack {
    /// Starts one role process (`IngressService reader`, `EgressService writer`, …) and
    /// waits until its supervisor wrote its first heartbeat, so a figure's clock starts on
    /// a role that runs. A process that exits at start fails the benchmark with its log.
    func spawnRole(
        executable: String, role: String, workflow: WorkflowName, name: String,
        databaseURL: String, configPath: String, database: PostgresConnection
    ) async throws -> ChildProcess {
        let process = try ChildProcess(
            executable: binDirectory + "/" + executable, arguments: [role],
            environment: roleEnvironment(databaseURL: databaseURL, configPath: configPath),
            name: "\(name)-\(Int(Date().timeIntervalSince1970))", logDirectory: workDirectory)
        try await Stopwatch.waitUntil("the \(role) process to report", timeout: .seconds(60), interval: .milliseconds(100)) {
            guard process.isRunning else { throw BenchError("\(role) exited at start: \(process.logTail())") }
            let rows = try await database.query(
                "SELECT count(*) AS count FROM crmbridge.role_heartbeats WHERE workflow = $1 AND role = $2 AND instance LIKE $3",
                [workflow.rawValue, role, "%-\(process.pid)"])
            return try rows.int(0, "count") ?? 0 > 0
        }
        return process
    }
}
