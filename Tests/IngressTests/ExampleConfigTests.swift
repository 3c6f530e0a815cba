import Config
import Foundation
import TestSupport
import Testing

/// The configurations `make run` starts with (Dynamics and `CRM=salesforce`) are valid
/// and map the same Campaign tables.
@Suite struct ExampleConfigTests {
    static let environment = [
        "CAMPAIGN_DATABASE_URL": "postgresql://localhost/campaign", "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9092",
        "DYNAMICS_URL": "http://127.0.0.1:8090", "DYNAMICS_TOKEN_URL": "http://127.0.0.1:8090/token",
        "DYNAMICS_CLIENT_ID": "id", "DYNAMICS_CLIENT_SECRET": "secret",
        "SALESFORCE_URL": "http://127.0.0.1:8090", "SALESFORCE_CLIENT_ID": "id", "SALESFORCE_CLIENT_SECRET": "secret",
    ]

    static func entities(_ file: String, _ crm: CRMKind) throws -> [EntityConfig] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let config = try CRMBridgeConfig.load(path: root.appendingPathComponent(file).path, environment: environment)
        #expect(config.connections.crm.kind == crm)
        guard case .crmToCampaign(let workflow) = try WorkflowConfig.parse(
            yaml: config.workflowYAML[.crmToCampaign] ?? "", workflow: .crmToCampaign, crm: crm) else {
            throw TestStackError("\(file): no crm-to-campaign section")
        }
        return workflow.entities
    }

    @Test func dynamicsAndSalesforceExamplesMapTheSameTablesAndColumns() throws {
        let dynamics = try Self.entities("crmbridge.yaml", .dynamics)
        let salesforce = try Self.entities("crmbridge.salesforce.yaml", .salesforce)
        #expect(dynamics.map(\.table) == ["profiles", "memberships"])
        #expect(salesforce.map(\.table) == dynamics.map(\.table))
        #expect(salesforce.map(\.remoteObject) == ["Contact", "CRMB_Membership__c"])
        #expect(salesforce.allSatisfy { $0.remoteIdField == "Id" && $0.lastModifiedField == "SystemModstamp" })
        for (sf, dyn) in zip(salesforce, dynamics) {
            let shared = Set(sf.fields.map(\.column)).intersection(dyn.fields.map(\.column))
            #expect(shared.count >= 5, "\(sf.name) maps only \(shared.sorted()) like Dynamics")
            #expect(sf.deletes == dyn.deletes)
        }
    }
}
