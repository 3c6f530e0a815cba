import Config
import CoreValues
import Foundation
import KafkaBridge
import PostgresBridge
import WorkflowRuntime

/// One opt-in-out set-up for a benchmark, as an operator would have it: a Campaign
/// database of its own whose profiles match the CRM's contacts (flags unset), a
/// `crmbridge.yaml` with opt-in-out `bidirectional`, the workflow stored and Started in
/// `crmbridge.workflows`, each role its own process.
final class OptOutRun: Sendable {
    let context: BenchContext
    let databaseURL: String
    let configPath: String
    let database: PostgresConnection
    let admin: KafkaAdmin
    static let databaseName = "bench_optout"

    private init(context: BenchContext, databaseURL: String, configPath: String, database: PostgresConnection, admin: KafkaAdmin) {
        self.context = context
        self.databaseURL = databaseURL
        self.configPath = configPath
        self.database = database
        self.admin = admin
    }

    /// A fresh database with a profile per CRM id of `ids` (flag false, no flag time:
    /// unset), the config file, and the workflow stored (version 1), not started.
    static func prepare(_ context: BenchContext, ids: [String]) async throws -> OptOutRun {
        let stack = context.stack
        let databaseURL = try await stack.freshDatabase(databaseName)
        let configPath = stack.workDirectory + "/optout.yaml"
        try """
            instance: bench
            connections:
              campaign: {}
              kafka: {\(IngressRun.kafkaProperties())}
              crm:
                kind: dynamics
            workflows:
              opt-in-out:
                mode: bidirectional

            """.write(toFile: configPath, atomically: true, encoding: .utf8)
        let environment = stack.roleEnvironment(databaseURL: databaseURL, configPath: configPath)
        let config = try CRMBridgeConfig.load(path: configPath, environment: environment)
        let database = try await PostgresConnection.connect(url: Secret(databaseURL), logger: context.logger)
        try await database.execute(
            "INSERT INTO profiles (crm_id) SELECT unnest($1::text[])", [PostgresArrayLiteral.text(ids)])
        try await WorkflowStore(database: database).ensure(.optInOut, initialConfig: config.workflowYAML[.optInOut] ?? "{}")
        let admin = try KafkaAdmin(configuration: stack.kafka, logger: stack.kafkaLogger)
        return OptOutRun(context: context, databaseURL: databaseURL, configPath: configPath, database: database, admin: admin)
    }

    /// Starts `OptOutService <role>` and waits until its supervisor reports.
    func spawn(_ role: String) async throws -> ChildProcess {
        let process = try await context.stack.spawnRole(
            executable: "OptOutService", role: role, workflow: .optInOut, name: "optout-\(role)",
            databaseURL: databaseURL, configPath: configPath, database: database)
        return process
    }

    func start() async throws { try await WorkflowStore(database: database).start(.optInOut) }

    /// Waits until the first start's alignment is done: the CRM reader stored its option
    /// (after publishing every contact) and the writer committed both topics.
    func waitAligned(roles: [ChildProcess]) async throws {
        let option = LastImportOption.name(instance: "bench", workflow: .optInOut, entity: "contact")
        try await Stopwatch.waitUntil("the initial alignment", timeout: .seconds(600), interval: .milliseconds(200)) {
            for role in roles where !role.isRunning { throw BenchError("\(role.name) exited: \(role.logTail())") }
            guard try await OptionStore(database: database).get(option) != nil else { return false }
            let lag = try await admin.lag(group: Topics.writerGroup(.optInOut), topics: [Topics.optOutFromCRM, Topics.optOutFromCampaign])
            return lag.total == 0
        }
    }

    /// Campaign's flag of every profile.
    func campaignFlags() async throws -> [String: Bool] {
        let rows = try await database.query("SELECT crm_id, blocklisted FROM profiles", [])
        var flags: [String: Bool] = [:]
        for row in 0..<rows.rowCount {
            if let id = try rows.string(row, "crm_id"), let flag = try rows.bool(row, "blocklisted") { flags[id] = flag }
        }
        return flags
    }

    /// A trigger that NOTIFYs a profile's CRM id when its flag changes (at the writer's
    /// commit), and a session listening.
    func listen() async throws -> PostgresConnection {
        let channel = OptOutLatencyBenchmark.channel
        try await database.executeScript("""
            CREATE FUNCTION bench_optout_notify() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_notify('\(channel)', NEW.crm_id); RETURN NULL; END $$;
            CREATE TRIGGER bench_optout AFTER UPDATE OF blocklisted ON profiles FOR EACH ROW
                WHEN (OLD.blocklisted IS DISTINCT FROM NEW.blocklisted) EXECUTE FUNCTION bench_optout_notify();
            """)
        let listener = try await PostgresConnection.connect(url: Secret(databaseURL), logger: context.logger)
        try await listener.listen(channel: channel)
        return listener
    }

    /// Stops the workflow, terminates the roles, closes the connections, drops the database.
    func finish(_ roles: [ChildProcess]) async {
        _ = try? await WorkflowStore(database: database).stop(.optInOut)
        for role in roles { await role.terminate() }
        await database.close()
        await context.stack.dropDatabase(Self.databaseName)
    }
}
