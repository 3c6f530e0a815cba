import Campaign
import Config
import KafkaBridge
import Logging
import WorkflowRuntime

/// The role names, as they report themselves (`WorkflowName.roles`).
enum OptOutRoles {
    static let crmReader = "crm-reader"
    static let campaignReader = "campaign-reader"
    static let writer = "writer"
}

/// The opt-in-out section a role was started with, and what follows from its mode.
struct OptOutSettings: Sendable {
    let config: OptInOutConfig

    init(_ run: RoleRun, base: CRMBridgeConfig) throws {
        let parsed: WorkflowConfig
        do {
            parsed = try WorkflowConfig.parse(yaml: run.configText, workflow: .optInOut, crm: base.connections.crm.kind)
        } catch {
            throw RoleFailure("config version \(run.configVersion) is invalid: \(error)")
        }
        guard case .optInOut(let config) = parsed else {
            throw RoleFailure("config version \(run.configVersion) is not an opt-in-out config")
        }
        self.config = config
    }

    /// CRM changes flow to Campaign (modes crm-to-campaign and bidirectional).
    var fromCRM: Bool { config.mode == .crmToCampaign || config.mode == .bidirectional }
    /// Campaign changes flow to the CRM (modes campaign-to-crm and bidirectional).
    var fromCampaign: Bool { config.mode == .campaignToCRM || config.mode == .bidirectional }

    /// The topics the writer consumes in this mode.
    var writerTopics: [String] {
        (fromCRM ? [Topics.optOutFromCRM] : []) + (fromCampaign ? [Topics.optOutFromCampaign] : [])
    }

    /// The Campaign columns, validated; a bad name stops the role with the reason.
    func blocklistTable() throws -> BlocklistTable {
        do {
            return try BlocklistTable(
                table: config.campaignTable, idColumn: config.campaignIdColumn, flagColumn: config.campaignColumn,
                timeColumn: config.campaignModifiedColumn)
        } catch {
            throw RoleFailure("opt-in-out campaign columns: \(error)")
        }
    }
}

/// The workflow's topics: changes are states, not facts, so both are compacted (a replay
/// from earliest re-sends the last state of each record; the writers apply it newer-wins).
enum OptOutTopics {
    static func create(kafka: KafkaConfiguration, partitions: Int, logger: Logger) async throws {
        let admin = try KafkaAdmin(configuration: kafka, logger: logger)
        try await admin.createTopic(name: Topics.optOutFromCRM, partitions: Int32(partitions), config: ["cleanup.policy": "compact"])
        try await admin.createTopic(name: Topics.optOutFromCampaign, partitions: Int32(partitions), config: ["cleanup.policy": "compact"])
        try await admin.createTopic(name: Topics.rejects(.optInOut), partitions: 1)
    }
}

/// What a role does when the mode gives it nothing to do: reports RUNNING (the workflow
/// is running as configured) and waits for Stop.
enum IdleRole {
    static func wait(_ run: RoleRun, logger: Logger, reason: String) async {
        logger.notice("nothing to do", metadata: ["reason": "\(reason)"])
        run.setDetail("idle", reason)
        run.markRunning()
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
