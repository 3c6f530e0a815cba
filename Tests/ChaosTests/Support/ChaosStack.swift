import Config
import Foundation
import KafkaBridge
import PostgresBridge
import TestSupport
import WorkflowRuntime

/// The three workflows on one stack, as `make run` has them (Dynamics): contacts from the
/// CRM to `profiles`, email events from Campaign to the CRM, opt-out in both directions.
/// Real PostgreSQL, the Kafka mock cluster over TCP, the emulator over HTTP; every role
/// its own process (`ChaosRoles`).
enum ChaosStack {
    static let contactFields: [(remote: String, column: String, conversion: String?)] = [
        ("firstname", "first_name", nil), ("lastname", "last_name", nil), ("emailaddress1", "email", nil),
        ("telephone1", "phone", nil), ("birthdate", "birth_date", "dateOnly"), ("createdon", "crm_created_at", nil),
        ("statecode", "crm_state", "copy"),
    ]

    static var workflowsYAML: String {
        let fields = contactFields.map { field in
            "          - { remote: \(field.remote), column: \(field.column)\(field.conversion.map { ", conversion: \($0)" } ?? "") }"
        }
        return ([
            "  crm-to-campaign:",
            "    entities:",
            "      - name: contact",
            "        remoteObject: contacts",
            "        remoteId: contactid",
            "        table: profiles",
            "        pageSize: 5000",
            "        interval: 1s",
            "        lookBack: 5s",
            "        fields:",
        ] + fields + [
            "  campaign-to-crm:",
            "    emailEvents:",
            "      enabled: true",
            "      interval: 500ms",
            "      batchSize: 1000",
            "  opt-in-out:",
            "    mode: bidirectional",
            "    interval: 500ms",
            "    lookBack: 2s",
        ]).joined(separator: "\n")
    }

    /// A fresh stack; `postgres` for a scenario that restarts the server.
    static func start(postgres: TestPostgres? = nil) async throws -> TestStack {
        let stack = try await TestStack.start(crm: .dynamics, workflowsYAML: workflowsYAML, postgres: postgres)
        // Service protection stands for one application user; the scenarios write far more
        // than 6,000 requests in 5 minutes and test faults, not that budget.
        try await stack.admin("PUT", "/admin/dynamics/limits", json: #"{"requests":100000000,"executionTimeMilliseconds":1000000000,"concurrentRequests":52,"windowSeconds":300}"#)
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
