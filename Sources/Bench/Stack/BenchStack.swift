import Campaign
import CoreValues
import Foundation
import KafkaBridge
import Logging
import PostgresBridge
import WorkflowRuntime

/// The parts `scripts/bench.sh` started for this run: a private PostgreSQL, the local Kafka
/// broker (`crmbridge dev-broker`, its own process) and the CRM emulator (its own process),
/// plus where the built executables are. Every benchmark gets its own database.
struct BenchStack: Sendable {
    /// A database of the private cluster used to create the others (`…/campaign`).
    let adminDatabaseURL: String
    let bootstrapServers: String
    let emulator: EmulatorClient
    /// Where `IngressService` (release build) is.
    let binDirectory: String
    /// Scratch space of this run (configs, role logs).
    let workDirectory: String
    /// The emulator, the broker and PostgreSQL, for CPU accounting (pids from bench.sh).
    let infrastructure: [CPUAccount.Part]
    let logger: Logger

    /// CPU accounting of the infrastructure, this process and `roles` (name, process).
    func cpuAccount(roles: [(String, ChildProcess)] = []) -> CPUAccount {
        CPUAccount(parts: infrastructure + [CPUAccount.Part(name: "bench", pid: getpid())]
            + roles.map { CPUAccount.Part(name: $0.0, pid: $0.1.pid) })
    }

    /// The bench's own Kafka clients log errors only (the mock broker's AUTOCREATE
    /// warnings on every lag poll are noise here).
    var kafkaLogger: Logger {
        var quiet = logger
        quiet.logLevel = .error
        return quiet
    }

    var kafka: KafkaConfiguration {
        KafkaConfiguration.localDefaults(bootstrapServers: bootstrapServers, clientID: "crmbridge-bench")
    }

    /// Creates (or re-creates) database `name` with the Campaign schema; returns its URL.
    func freshDatabase(_ name: String) async throws -> String {
        let admin = try await PostgresConnection.connect(url: Secret(adminDatabaseURL), logger: logger)
        let quoted = PostgresIdentifier.quote(name)
        do {
            try await admin.execute("DROP DATABASE IF EXISTS \(quoted) WITH (FORCE)")
            try await admin.execute("CREATE DATABASE \(quoted)")
        } catch {
            await admin.close()
            throw error
        }
        await admin.close()
        let url = Self.url(adminDatabaseURL, database: name)
        try await BridgeSchema.createIfMissing(databaseURL: Secret(url), logger: logger)
        try await CampaignDemoSchema.create(databaseURL: Secret(url), logger: logger)
        return url
    }

    /// `log_min_duration_statement = 0` on the whole cluster, for a timeline of a role's statements.
    func logEveryStatement() async throws {
        let admin = try await PostgresConnection.connect(url: Secret(adminDatabaseURL), logger: logger)
        defer { Task { await admin.close() } }
        try await admin.execute("ALTER SYSTEM SET log_min_duration_statement = 0", [])
        try await admin.execute("ALTER SYSTEM SET log_line_prefix = '%m [%p] %d '", [])
        _ = try await admin.query("SELECT pg_reload_conf()", [])
    }

    /// Drops a database made by `freshDatabase` (disk space: a million profiles is ~0.5 GB).
    func dropDatabase(_ name: String) async {
        guard let admin = try? await PostgresConnection.connect(url: Secret(adminDatabaseURL), logger: logger) else { return }
        _ = try? await admin.execute("DROP DATABASE IF EXISTS \(PostgresIdentifier.quote(name)) WITH (FORCE)")
        await admin.close()
    }

    /// The environment of a role process, as `make run` gives it.
    func roleEnvironment(databaseURL: String, configPath: String) -> [String: String] {
        [
            "CAMPAIGN_DATABASE_URL": databaseURL,
            "KAFKA_BOOTSTRAP_SERVERS": bootstrapServers,
            "CRMBRIDGE_LOCAL_BROKER": "1",
            "CRMBRIDGE_CONFIG": configPath,
            "CRMBRIDGE_LOG_LEVEL": ProcessInfo.processInfo.environment["BENCH_ROLE_LOG_LEVEL"] ?? "notice",
            "DYNAMICS_URL": emulator.baseURL,
            "DYNAMICS_TOKEN_URL": emulator.tokenURL,
            "DYNAMICS_CLIENT_ID": EmulatorClient.clientID,
            "DYNAMICS_CLIENT_SECRET": EmulatorClient.clientSecret,
        ]
    }

    /// `url` with its database replaced by `database`.
    static func url(_ url: String, database: String) -> String {
        let parts = url.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let query = parts.count > 1 ? "?" + parts[1] : ""
        var base = String(parts[0])
        if let scheme = base.range(of: "://"), let slash = base[scheme.upperBound...].firstIndex(of: "/") {
            base = String(base[..<slash])
        }
        return base + "/" + database + query
    }
}
