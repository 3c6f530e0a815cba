@testable import CRMConnectors
@testable import Config
import HTTPBridge
import Logging
import Testing

/// `connections.crm.budget` and `connections.crm.bulkAbove`: from the file to the limiter's
/// settings and the writers' Bulk API 2.0 threshold, and every wrong value refused with
/// its path and line.
@Suite struct CRMBudgetConfigTests {
    static func yaml(kind: String, crm: String) -> String {
        """
        instance: test
        connections:
          campaign: {}
          kafka: {}
          crm:
            kind: \(kind)
        \(crm.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        workflows: {}
        """
    }

    @Test func budgetAndBulkThresholdReachTheLimiterAndTheWriters() throws {
        let config = try CRMBridgeConfig.parse(yaml: Self.yaml(kind: "salesforce", crm: """
            budget: { maxConcurrency: 8, allocationReserve: 25%, probeInterval: 2m }
            bulkAbove: 5000
            """), environment: demoEnvironment)
        let crm = config.connections.crm
        #expect(crm.budget == CRMBudgetConfig(maxConcurrency: 8, allocationReserve: 0.25, probeInterval: .seconds(120)))
        #expect(crm.bulkAbove == 5000)
        // What the connectors and writers are built with.
        let settings = crm.salesforceConfiguration().budget
        #expect(settings.maxConcurrency == 8 && settings.allocationReserve == 0.25 && settings.probeInterval == .seconds(120))
        let http = HTTPClient()
        defer { http.shutdown() }
        let logger = Logger(label: "test")
        let events = try #require(crm.makeEmailEventWriter(http: http, logger: logger, batchSize: 200) as? SalesforceEmailEventWriter)
        #expect(events.bulkAbove == 5000)
        let target = CRMExportTarget(export: "x", object: "Account", operation: .upsert, keyField: "CRMB_External_Id__c", alternateKey: true)
        let exports = try #require(crm.makeExportWriter(target, http: http, logger: logger, batchSize: 200) as? SalesforceExportWriter)
        #expect(exports.bulkAbove == 5000)
        // A fraction is the same share as a percentage.
        let fraction = try CRMBridgeConfig.parse(
            yaml: Self.yaml(kind: "salesforce", crm: "budget: { allocationReserve: 0.05 }"), environment: demoEnvironment)
        #expect(fraction.connections.crm.budget.allocationReserve == 0.05)
    }

    @Test func withoutTheKeysTheDefaultsApply() throws {
        let salesforce = try CRMBridgeConfig.parse(yaml: Self.yaml(kind: "salesforce", crm: ""), environment: demoEnvironment).connections.crm
        #expect(salesforce.budget == CRMBudgetConfig(maxConcurrency: 52, allocationReserve: 0.10, probeInterval: .seconds(60)))
        #expect(salesforce.bulkAbove == 2000)
        let dynamics = try CRMBridgeConfig.parse(yaml: Self.yaml(kind: "dynamics", crm: ""), environment: demoEnvironment).connections.crm
        #expect(dynamics.bulkAbove == nil)
        #expect(dynamics.dynamicsConfiguration().budget == CRMBudgetSettings())
    }

    @Test(arguments: [
        ("salesforce", "budget: { maxConcurrency: 60 }", "connections.crm.budget.maxConcurrency", "60 is out of range (1…52)"),
        ("salesforce", "budget: { maxConcurrency: many }", "connections.crm.budget.maxConcurrency", "expected a whole number"),
        ("salesforce", "budget: { allocationReserve: 95% }", "connections.crm.budget.allocationReserve", "95% is out of range (0%…90%)"),
        ("salesforce", "budget: { allocationReserve: lots }", "connections.crm.budget.allocationReserve", "expected a share like 10% or 0.1"),
        ("salesforce", "budget: { probeInterval: 0s }", "connections.crm.budget.probeInterval", "must be longer than zero"),
        ("salesforce", "budget: { reserve: 10% }", "connections.crm.budget.reserve", "unknown key \"reserve\""),
        ("salesforce", "bulkAbove: 100", "connections.crm.bulkAbove", "100 is out of range (200…10000)"),
        ("dynamics", "bulkAbove: 5000", "connections.crm.bulkAbove", "only Salesforce takes bulkAbove"),
        ("dynamics", "budget: { allocationReserve: 20% }", "connections.crm.budget.allocationReserve", "only Salesforce has a daily API allocation"),
    ])
    func aWrongValueIsRefusedNamingItsPath(kind: String, crm: String, path: String, message: String) {
        let found = problems(Self.yaml(kind: kind, crm: crm))
        #expect(found.contains { $0.path == path && $0.message.contains(message) && $0.line == 7 }, "\(found)")
    }
}
