import Config
import Foundation
import KafkaBridge
import PostgresBridge
import TestSupport
import WorkflowRuntime

/// The three workflows on one stack, as `make run` has them (`ChaosCRMSchema`): contacts from the
/// CRM to `profiles`, email events from Campaign to the CRM, opt-out in both directions.
/// Real PostgreSQL, the Kafka mock cluster over TCP, the emulator over HTTP; every role
/// its own process (`ChaosRoles`).
enum ChaosStack {
    /// A fresh stack on `crm` (Dynamics by default); `postgres` for a scenario that
    /// restarts the server.
    static func start(crm: ChaosCRMSchema = .dynamics, postgres: TestPostgres? = nil) async throws -> TestStack {
        let stack = try await TestStack.start(crm: crm.kind, workflowsYAML: crm.workflowsYAML, postgres: postgres)
        try await crm.raiseLimits(stack)
        return stack
    }

    static let contactTopic = Topics.crmToCampaign(entity: "contact")
    static let lastImport = "LASTIMPORT_test_crm-to-campaign_contact"
    static let optOutLastImport = "LASTIMPORT_test_opt-in-out_contact"
    static let lastExport = "LASTEXPORT_test_campaign-to-crm_email-events"

    /// Records the writer groups have not committed yet, per workflow.
    static func lag(_ stack: TestStack, _ workflow: WorkflowName) async throws -> Int64 {
        let topics: [String] = switch workflow {
        case .crmToCampaign: [contactTopic]
        case .campaignToCRM: [Topics.emailEvents]
        case .optInOut: [Topics.optOutFromCRM, Topics.optOutFromCampaign]
        }
        let admin = try KafkaAdmin(configuration: stack.kafkaConfiguration(clientID: "crmbridge-chaos"), logger: TestKafka.logger)
        return try await admin.lag(group: Topics.writerGroup(workflow), topics: topics).total
    }
}
