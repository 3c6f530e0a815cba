import Config
import CoreValues
import Foundation
import PostgresBridge
import WorkflowRuntime

/// The Campaign side of a test stack: SQL, workflow control as the control service
/// does it, role heartbeats and options.
extension TestStack {
    public func connect() async throws -> PostgresConnection {
        try await PostgresConnection.connect(url: Secret(databaseURL), logger: TestKafka.logger)
    }

    /// Runs `body` on a connection of its own, closed afterwards.
    public func withDatabase<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let database = try await connect()
        do {
            let result = try await body(database)
            await database.close()
            return result
        } catch {
            await database.close()
            throw error
        }
    }

    public func query(_ sql: String, _ parameters: [String?] = []) async throws -> PostgresRows {
        try await withDatabase { try await $0.query(sql, parameters) }
    }

    public func execute(_ sql: String) async throws {
        try await withDatabase { try await $0.executeScript(sql) }
    }

    /// The first column of the first row of `sql` as an integer (e.g. `SELECT count(*)`).
    public func count(_ sql: String, _ parameters: [String?] = []) async throws -> Int {
        let rows = try await query(sql, parameters)
        return rows[0, 0].flatMap { Int($0) } ?? -1
    }

    /// Stores the workflow's section as a new version (as the control service does) and presses Start.
    public func startWorkflow(_ workflow: WorkflowName, yaml: String? = nil) async throws {
        try await withDatabase { database in
            let store = WorkflowStore(database: database)
            let text: String
            if let yaml { text = yaml } else { text = try config().workflowYAML[workflow] ?? "{}" }
            try await store.ensure(workflow, initialConfig: text)
            if let yaml, try await store.get(workflow)?.editedConfig != yaml {
                try await store.saveConfig(workflow, config: yaml)
            }
            try await store.start(workflow)
        }
    }

    public func stopWorkflow(_ workflow: WorkflowName) async throws {
        try await withDatabase { try await WorkflowStore(database: $0).stop(workflow) }
    }

    /// The workflow's status as the Workflows page shows it, with its reason.
    public func status(_ workflow: WorkflowName, roles: [String] = ["reader", "writer"]) async throws -> WorkflowStatusRule.Verdict? {
        try await withDatabase { database in
            guard let record = try await WorkflowStore(database: database).get(workflow) else { return nil }
            let (beats, now) = try await HeartbeatStore(database: database).heartbeats(workflow)
            return WorkflowStatusRule().verdict(
                desired: record.desiredState, runningVersion: record.runningVersion, roles: roles,
                heartbeats: beats, startedAt: record.startedAt, now: now)
        }
    }

    public func heartbeats(_ workflow: WorkflowName) async throws -> [WorkflowStatusRule.Heartbeat] {
        try await withDatabase { try await HeartbeatStore(database: $0).heartbeats(workflow).beats }
    }

    /// Waits until a heartbeat of `role` reports `state`; returns it.
    @discardableResult
    public func waitForRole(
        _ workflow: WorkflowName, _ role: String, _ state: RoleState, timeout: Duration = .seconds(60),
        where matches: @escaping @Sendable (WorkflowStatusRule.Heartbeat) -> Bool = { _ in true }
    ) async throws -> WorkflowStatusRule.Heartbeat {
        try await eventuallyValue("\(workflow.rawValue) \(role) \(state.rawValue)", timeout: timeout) {
            try await heartbeats(workflow).first { $0.role == role && $0.state == state && matches($0) }
        }
    }

    public func option(_ name: String) async throws -> String? {
        try await withDatabase { try await OptionStore(database: $0).get(name) }
    }

    public func setOption(_ name: String, _ value: String) async throws {
        try await withDatabase { try await OptionStore(database: $0).set(name, value) }
    }

    /// `LASTIMPORT_test_crm-to-campaign_<entity>`.
    public func lastImportName(_ entity: String) -> String {
        LastImportOption.name(instance: "test", workflow: .crmToCampaign, entity: entity)
    }
}
