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

        /// The population query arrives through the API: one that would delete is refused by
        /// PostgreSQL (it runs read-only), the workflow turns FAILED saying why, and nothing
        /// is deleted.
        @Test func aPopulationQueryThatDeletesFailsTheWorkflowAndDeletesNothing() async throws {
            let entity = TestEntity.contact(.dynamics).with {
                $0.deletes = false
                $0.extra = [#"population: { sql: "WITH d AS (DELETE FROM wanted RETURNING crm_id) SELECT crm_id FROM d" }"#]
            }
            let stack = try await TestStack.start(
                crm: .dynamics, workflowsYAML: TestEntity.workflow([entity]),
                prepare: "CREATE TABLE wanted (crm_id text PRIMARY KEY); INSERT INTO wanted VALUES ('a'), ('b'), ('c');")
            try await stack.seed(entity.remoteObject, count: 20)
            let roles = try await IngressRoles.start(stack)
            defer { roles.stop() }

            let beat = try await stack.waitForRole(.crmToCampaign, "reader", .failed, timeout: .seconds(60))
            let error = beat.lastError ?? ""
            #expect(error.contains("population query tries to change data"), "last error: \(error)")
            #expect(error.contains("read-only"), "last error: \(error)")
            let status = try #require(try await stack.status(.crmToCampaign))
            #expect(status.status == .failed)
            #expect(status.reason?.contains("population query tries to change data") == true, "\(status.reason ?? "")")
            #expect(try await stack.count("SELECT count(*) FROM wanted") == 3)
            #expect(try await stack.count("SELECT count(*) FROM profiles") == 0)
        }

        /// A population file is read only from `populations.directory`: `../../etc/passwd`
        /// stored through the API fails the workflow with the field named, and no file is read.
        @Test func aPopulationFileOutsideTheDirectoryFailsTheWorkflowNamingTheField() async throws {
            let valid = TestEntity.contact(.dynamics).with { $0.deletes = false }
            let stack = try await TestStack.start(crm: .dynamics, workflowsYAML: TestEntity.workflow([valid]))
            let invalid = valid.with { $0.extra = [#"population: { file: "../../etc/passwd" }"#] }
            try await stack.startWorkflow(.crmToCampaign, yaml: "entities:\n" + invalid.yaml)
            let roles = IngressRoles(stack: stack)
            try roles.addReader()
            defer { roles.stop() }

            let beat = try await stack.waitForRole(.crmToCampaign, "reader", .failed, timeout: .seconds(30))
            let error = beat.lastError ?? ""
            #expect(error.contains("entities[0].population.file"), "last error: \(error)")
            #expect(error.contains(#"".." may not appear"#), "last error: \(error)")
            #expect(!error.contains("root:"), "nothing of the file is shown")
            #expect(try await stack.count("SELECT count(*) FROM profiles") == 0)
        }
    }
}
