import Config
import KafkaBridge
import Logging
import WorkflowRuntime

/// Reads the campaign-to-crm section a role was started with.
enum EgressConfig {
    static func campaignToCRM(_ run: RoleRun, base: CRMBridgeConfig) throws -> CampaignToCRMConfig {
        guard case .campaignToCRM(let config) = try run.workflowConfig(crm: base.connections.crm.kind) else {
            throw run.notThisWorkflow()
        }
        return config
    }
}

/// The workflow's topics. Email events are facts that never change, so the topic is not
/// compacted (a replay from earliest re-sends each event; the CRM upserts it by id).
/// An export's topic (`crmbridge.campaign-to-crm.<export>`) is keyed by the Campaign row
/// id and compacted: the last version of each row is what a replay from earliest re-sends.
enum EgressTopics {
    static func create(kafka: KafkaConfiguration, partitions: Int, exports: [String] = [], logger: Logger) async throws {
        let admin = try KafkaAdmin(configuration: kafka, logger: logger)
        try await admin.createTopic(name: Topics.emailEvents, partitions: Int32(partitions))
        try await admin.createTopic(name: Topics.rejects(.campaignToCRM), partitions: 1)
        for topic in exports {
            try await admin.createTopic(name: topic, partitions: Int32(partitions), config: ["cleanup.policy": "compact"])
        }
    }
}

/// What a role does when its workflow has nothing for it to do (email events switched
/// off, no export or delete): reports RUNNING and waits for Stop.
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
