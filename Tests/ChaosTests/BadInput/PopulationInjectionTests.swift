import Config
import Foundation
import PostgresBridge
import TestSupport
import Testing
import WorkflowRuntime

/// Issue 16's injection strings in population ids: an upstream population (a query on
/// Campaign, which a Campaign user fills) hands the crm-to-campaign reader ids carrying
/// OData or SOQL. The connectors refuse such an id before the first call (Dynamics ids must
/// be GUIDs, Salesforce ids 15 or 18 letters and digits), so the reader process turns
/// FAILED naming what is wrong, stays alive, and nothing is read: not the hostile id's
/// "everything", not even the good ids beside it.
@Suite(.serialized) struct PopulationInjectionTests {
    static func hostileIDs(_ crm: ChaosCRMSchema) -> [String] {
        switch crm.kind {
        case .dynamics: ["00000000-0000-0000-0000-000000000000) or (contactid ne null", "x' or 1 eq 1 or 'y"]
        case .salesforce: ["003000000000001' OR Id != '", #"x\' OR Name != \'"#]
        }
    }

    @Test(arguments: [ChaosCRMSchema.dynamics, .salesforce])
    func aPopulationIDCarryingAnInjectionFailsTheWorkflowNamingItAndReadsNothing(crm: ChaosCRMSchema) async throws {
        let yaml = crm.workflowsYAML.replacingOccurrences(
            of: "        table: profiles\n",
            with: "        table: profiles\n        population: { sql: \"SELECT crm_id FROM wanted ORDER BY crm_id\" }\n")
        #expect(yaml != crm.workflowsYAML, "the population was added to the entity")
        let stack = try await TestStack.start(crm: crm.kind, workflowsYAML: yaml, prepare: "CREATE TABLE wanted (crm_id text PRIMARY KEY);")
        try await crm.raiseLimits(stack)
        try await stack.seed(crm.contactObject, count: 20)
        let good = try await ChaosCRM.flags(stack).keys.sorted().prefix(3)
        #expect(good.count == 3)
        _ = try await stack.query("INSERT INTO wanted SELECT unnest($1::text[])", [PostgresArrayLiteral.text(Array(good) + Self.hostileIDs(crm))])
        try await stack.startWorkflow(.crmToCampaign)
        let reader = try RoleProcessHandle("IngressService", ["reader"], environment: ChaosSecrets.environment(stack))
        defer { reader.terminate() }

        let beat = try await stack.waitForRole(.crmToCampaign, "reader", .failed, timeout: .seconds(90))
        let error = beat.lastError ?? ""
        #expect(error.contains(crm.kind == .dynamics ? "is not a GUID" : "is not a Salesforce id"), "last error: \(error)")
        let status = try #require(try await stack.status(.crmToCampaign, roles: ["reader"]))
        #expect(status.status == .failed, "\(status)")
        #expect(reader.isRunning, "the reader died on a hostile population id: \(reader.log.suffix(1500))")
        let published = try await stack.messages(ChaosStack.contactTopic)
        #expect(published.isEmpty, "\(published.count) records published for a hostile population")
        #expect(try await stack.option(ChaosStack.lastImport) == nil, "a window was stored")
        ChaosSecrets.expectNoneIn(reader.log + error, stack: stack, what: "the reader's log and status")
    }
}
