import Config
import Foundation
import PostgresBridge
import TestSupport
import Testing

extension IngressEndToEnd {
    /// "Use the population calculated upstream": with `population: {sql: …}` the reader
    /// imports only the ids the query on Campaign returns, read from the CRM by id.
    @Suite struct PopulationTests {
        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func onlyTheUpstreamPopulationIsImported(crm: CRMKind) async throws {
            let entity = TestEntity.contact(crm).with {
                $0.deletes = false
                $0.extra = [#"population: { sql: "SELECT crm_id FROM wanted ORDER BY crm_id" }"#]
            }
            let stack = try await TestStack.start(
                crm: crm, workflowsYAML: TestEntity.workflow([entity]), prepare: "CREATE TABLE wanted (crm_id text PRIMARY KEY);")
            try await stack.seed(entity.remoteObject, count: 60)
            let all = try await CampaignComparison.crmRecords(stack, entity).keys.sorted()
            let chosen = all.enumerated().filter { $0.offset % 10 == 3 }.map(\.element)
            #expect(chosen.count == 6)
            _ = try await stack.query("INSERT INTO wanted SELECT unnest($1::text[])", [PostgresArrayLiteral.text(chosen)])

            let roles = try await IngressRoles.start(stack)
            defer { roles.stop() }
            try await roles.waitUntil("the full load's LASTIMPORT") {
                try await stack.option(stack.lastImportName(entity.name)) != nil
            }
            try await roles.waitForRows(entity, chosen.count)
            let rows = try await stack.query("SELECT crm_id FROM profiles ORDER BY crm_id")
            #expect(rows.compactMap { $0["crm_id"] } == chosen)
        }
    }
}
