import Config
import KafkaBridge
import Logging
import WorkflowRuntime

/// Reads the crm-to-campaign section a role was started with.
enum IngressConfig {
    static func crmToCampaign(_ run: RoleRun, base: CRMBridgeConfig) throws -> CRMToCampaignConfig {
        guard case .crmToCampaign(let config) = try run.workflowConfig(crm: base.connections.crm.kind) else {
            throw run.notThisWorkflow()
        }
        return config
    }
}

/// The workflow's topics: one compacted topic per entity, and the rejects topic.
enum IngressTopics {
    static func names(for workflow: CRMToCampaignConfig) -> [String] {
        workflow.entities.map { Topics.crmToCampaign(entity: $0.name) }
    }

    /// Creates the topics that are missing, with `connections.kafka.topicPartitions`
    /// partitions; an existing topic keeps its own count.
    static func create(
        for workflow: CRMToCampaignConfig, kafka: KafkaConfiguration, partitions: Int, logger: Logger
    ) async throws {
        let admin = try KafkaAdmin(configuration: kafka, logger: logger)
        for topic in names(for: workflow) {
            try await admin.createTopic(name: topic, partitions: Int32(partitions), config: ["cleanup.policy": "compact"])
        }
        try await admin.createTopic(name: Topics.rejects(.crmToCampaign), partitions: 1)
    }
}
