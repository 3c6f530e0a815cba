import Config
import Foundation
import PostgresBridge

/// Workflow state in PostgreSQL (schema `crmbridge`), shared by the control service,
/// the CLI and every role. Start and Stop notify `crmbridge_workflows` so roles react
/// at once instead of at their next poll.
public struct WorkflowStore: Sendable {
    public static let notificationChannel = "crmbridge_workflows"

    let database: any PostgresQueryable

    public init(database: any PostgresQueryable) {
        self.database = database
    }

    /// Creates the workflow with `initialConfig` as version 1 if it does not exist yet.
    public func ensure(_ name: WorkflowName, initialConfig: String) async throws {
        try await database.atomically(isolation: #isolation) { tx in
            let inserted = try await tx.execute(
                "INSERT INTO crmbridge.workflows (name, edited_config, edited_version) VALUES ($1, $2, 1) ON CONFLICT (name) DO NOTHING",
                [name.rawValue, initialConfig])
            if inserted == 1 {
                try await tx.execute(
                    "INSERT INTO crmbridge.workflow_configs (workflow, version, config) VALUES ($1, 1, $2)",
                    [name.rawValue, initialConfig])
            }
        }
    }

    public func all() async throws -> [WorkflowRecord] {
        let rows = try await database.query(Self.selectSQL + " ORDER BY array_position(ARRAY['crm-to-campaign','campaign-to-crm','opt-in-out'], name)", [])
        return try (0..<rows.rowCount).compactMap { try Self.record(rows, $0) }
    }

    public func get(_ name: WorkflowName) async throws -> WorkflowRecord? {
        let rows = try await database.query(Self.selectSQL + " WHERE name = $1", [name.rawValue])
        return rows.rowCount == 0 ? nil : try Self.record(rows, 0)
    }

    /// Saves a new edited version; running roles keep theirs until Stop then Start.
    @discardableResult
    public func saveConfig(_ name: WorkflowName, config: String) async throws -> Int {
        try await database.atomically(isolation: #isolation) { tx in
            let rows = try await tx.query(
                "UPDATE crmbridge.workflows SET edited_config = $2, edited_version = edited_version + 1, updated_at = now() WHERE name = $1 RETURNING edited_version",
                [name.rawValue, config])
            guard rows.rowCount == 1, let version = try rows.int(0, "edited_version") else {
                throw WorkflowStoreError.unknownWorkflow(name.rawValue)
            }
            try await tx.execute(
                "INSERT INTO crmbridge.workflow_configs (workflow, version, config) VALUES ($1, $2, $3)",
                [name.rawValue, String(version), config])
            return version
        }
    }

    /// The config text of one saved version.
    public func config(_ name: WorkflowName, version: Int) async throws -> String {
        let rows = try await database.query(
            "SELECT config FROM crmbridge.workflow_configs WHERE workflow = $1 AND version = $2",
            [name.rawValue, String(version)])
        guard rows.rowCount == 1, let config = try rows.string(0, "config") else {
            throw WorkflowStoreError.unknownVersion(name.rawValue, version)
        }
        return config
    }

    /// Start: the edited version becomes the running one.
    public func start(_ name: WorkflowName) async throws {
        let changed = try await database.execute(
            "UPDATE crmbridge.workflows SET desired_state = 'running', running_version = edited_version, started_at = now(), updated_at = now() WHERE name = $1",
            [name.rawValue])
        guard changed == 1 else { throw WorkflowStoreError.unknownWorkflow(name.rawValue) }
        try await notify(name)
    }

    /// Stop; answers whether edits are saved but not applied (the page's warning).
    @discardableResult
    public func stop(_ name: WorkflowName) async throws -> Bool {
        let rows = try await database.query(
            "UPDATE crmbridge.workflows SET desired_state = 'stopped', updated_at = now() WHERE name = $1 RETURNING running_version IS NOT NULL AND running_version <> edited_version AS pending",
            [name.rawValue])
        guard rows.rowCount == 1 else { throw WorkflowStoreError.unknownWorkflow(name.rawValue) }
        try await notify(name)
        return try rows.bool(0, "pending") ?? false
    }

    private func notify(_ name: WorkflowName) async throws {
        try await database.execute("SELECT pg_notify($1, $2)", [Self.notificationChannel, name.rawValue])
    }

    static let selectSQL = "SELECT name, edited_config, edited_version, running_version, desired_state, started_at FROM crmbridge.workflows"

    static func record(_ rows: PostgresRows, _ row: Int) throws -> WorkflowRecord? {
        guard let nameText = try rows.string(row, "name"), let name = WorkflowName(rawValue: nameText) else { return nil }
        return WorkflowRecord(
            name: name,
            editedConfig: try rows.string(row, "edited_config") ?? "",
            editedVersion: try rows.int(row, "edited_version") ?? 1,
            runningVersion: try rows.int(row, "running_version"),
            desiredState: DesiredState(rawValue: try rows.string(row, "desired_state") ?? "") ?? .stopped,
            startedAt: try rows.date(row, "started_at"))
    }
}

public enum WorkflowStoreError: Error, CustomStringConvertible, Equatable {
    case unknownWorkflow(String)
    case unknownVersion(String, Int)

    public var description: String {
        switch self {
        case .unknownWorkflow(let name): "workflow \"\(name)\" is not set up in the Campaign database"
        case .unknownVersion(let name, let version): "workflow \"\(name)\" has no config version \(version)"
        }
    }
}
