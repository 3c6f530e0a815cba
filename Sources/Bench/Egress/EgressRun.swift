import Config
import CoreValues
import Foundation
import KafkaBridge
import PostgresBridge
import WorkflowRuntime

/// One campaign-to-crm set-up for a benchmark, as an operator would have it: a Campaign
/// database of its own holding N email events, a `crmbridge.yaml` with email events on
/// (Dynamics, 1,000 events per call), the workflow stored and Started in
/// `crmbridge.workflows`, the reader and the writer each its own `EgressService` process.
final class EgressRun: Sendable {
    let context: BenchContext
    let databaseName: String
    let databaseURL: String
    let configPath: String
    let database: PostgresConnection
    let admin: KafkaAdmin

    /// The activity tables of the four event types (`crmb_email<type>s`).
    static let entitySets = ["crmb_emailsends", "crmb_emailopens", "crmb_emailclicks", "crmb_emailbounces"]

    private init(context: BenchContext, databaseName: String, databaseURL: String, configPath: String,
                 database: PostgresConnection, admin: KafkaAdmin) {
        self.context = context
        self.databaseName = databaseName
        self.databaseURL = databaseURL
        self.configPath = configPath
        self.database = database
        self.admin = admin
    }

    /// A fresh database named after `events`, the config file and the workflow stored
    /// (version 1), not started.
    static func prepare(_ context: BenchContext, events: Int) async throws -> EgressRun {
        let stack = context.stack
        let databaseName = "bench_egress_\(events)"
        let databaseURL = try await stack.freshDatabase(databaseName)
        let configPath = stack.workDirectory + "/egress_\(events).yaml"
        try configYAML.write(toFile: configPath, atomically: true, encoding: .utf8)
        let environment = stack.roleEnvironment(databaseURL: databaseURL, configPath: configPath)
        let config = try CRMBridgeConfig.load(path: configPath, environment: environment)
        let database = try await PostgresConnection.connect(url: Secret(databaseURL), logger: context.logger)
        try await WorkflowStore(database: database).ensure(.campaignToCRM, initialConfig: config.workflowYAML[.campaignToCRM] ?? "{}")
        let admin = try KafkaAdmin(configuration: stack.kafka, logger: stack.kafkaLogger)
        return EgressRun(context: context, databaseName: databaseName, databaseURL: databaseURL, configPath: configPath,
                         database: database, admin: admin)
    }

    /// Email events on, 1,000 per CRM call (`UpsertMultiple`, the most Dynamics takes),
    /// read every second: what an operator sets for volume.
    static let configYAML = """
        instance: bench
        connections:
          campaign: {}
          kafka: {\(IngressRun.kafkaProperties())}
          crm:
            kind: dynamics
        workflows:
          campaign-to-crm:
            emailEvents:
              enabled: true
              batchSize: 1000
              interval: 1s

        """

    /// Inserts events `1...count` into `email_events`, the four types in turn (every bounce
    /// hard, every click with a URL), each for one of `contacts`, in transactions of
    /// 100,000 rows (each stamped by its transaction, as an application's would be).
    func insertEvents(_ count: Int, contacts: [String]) async throws {
        let contactsLiteral = PostgresArrayLiteral.text(contacts.map { Optional($0) })
        for first in stride(from: 1, through: count, by: 100_000) {
            _ = try await database.execute("""
                INSERT INTO email_events (id, event_type, crm_id, occurred_at, campaign_name, delivery_name, url, bounce_type)
                SELECT g, (ARRAY['send','open','click','bounce'])[1 + g % 4],
                       ($1::text[])[1 + g % cardinality($1::text[])],
                       timestamptz '2026-01-01 00:00:00Z' + g * interval '1 second',
                       'Bench campaign', 'Delivery ' || (g % 50),
                       CASE WHEN g % 4 = 2 THEN 'https://example.com/track/' || g END,
                       CASE WHEN g % 4 = 3 THEN 'hard' END
                FROM generate_series($2::bigint, $3::bigint) AS g
                """, [contactsLiteral, String(first), String(min(first + 99_999, count))])
        }
    }

    /// Starts `EgressService <role>` and waits until its supervisor reports (idle).
    func spawn(_ role: String) async throws -> ChildProcess {
        let process = try await context.stack.spawnRole(
            executable: "EgressService", role: role, workflow: .campaignToCRM, name: "egress-\(role)",
            databaseURL: databaseURL, configPath: configPath, database: database)
        return process
    }

    func start() async throws { try await WorkflowStore(database: database).start(.campaignToCRM) }

    /// Activity records of the four types in the emulator.
    func activityCount() async throws -> Int {
        var total = 0
        for set in Self.entitySets { total += try await context.stack.emulator.dynamicsCount(set) }
        return total
    }

    /// The writer group's lag on the email-events topic.
    func lag() async throws -> Int64 {
        try await admin.lag(group: Topics.writerGroup(.campaignToCRM), topics: [Topics.emailEvents]).total
    }

    /// Rejects the writer recorded (none are expected: every event is valid).
    func rejectCount() async throws -> Int {
        try await database.query("SELECT count(*) AS count FROM crmbridge.rejects", []).int(0, "count") ?? -1
    }

    /// Stops the workflow, terminates the roles, closes the connections, drops the database.
    func finish(_ roles: [ChildProcess]) async {
        _ = try? await WorkflowStore(database: database).stop(.campaignToCRM)
        for role in roles { await role.terminate() }
        await database.close()
        await context.stack.dropDatabase(databaseName)
    }
}
