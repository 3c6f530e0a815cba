import Config
import Foundation
import TestSupport
import Testing
import WorkflowRuntime

extension EgressEndToEnd {
    /// Campaign tables exported to a CRM object, one export per operation: upsert by
    /// alternate key / external id (with a value replacement, and a changed row sent
    /// again onto the same record), insert without a key, update by primary key, delete by
    /// primary key. Each is checked through the CRM's own API.
    @Suite struct ExportTests {
        /// Stamp column and trigger as docs/campaign-to-crm.md tells an operator to add them.
        static let tables = """
            CREATE FUNCTION crmbridge_stamp_crmbridge_xid() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN NEW.crmbridge_xid := pg_current_xact_id(); RETURN NEW; END $$;
            CREATE TABLE account_exports (id bigint PRIMARY KEY, external_id text, name text NOT NULL, city text, employees integer,
                crmbridge_xid xid8 DEFAULT pg_current_xact_id());
            CREATE TRIGGER account_exports_stamp BEFORE UPDATE ON account_exports FOR EACH ROW EXECUTE FUNCTION crmbridge_stamp_crmbridge_xid();
            CREATE TABLE new_accounts (id bigint PRIMARY KEY, name text NOT NULL, number text, crmbridge_xid xid8 DEFAULT pg_current_xact_id());
            CREATE TABLE account_updates (id bigint PRIMARY KEY, crm_id text, city text, crmbridge_xid xid8 DEFAULT pg_current_xact_id());
            CREATE TABLE account_deletes (id bigint PRIMARY KEY, crm_id text, crmbridge_xid xid8 DEFAULT pg_current_xact_id());
            """

        struct Names {
            var object: String
            var id: String
            var name: String
            var city: String
            var employees: String
            var number: String
            var externalID: String

            init(_ crm: CRMKind) {
                switch crm {
                case .dynamics:
                    self = Names(object: "accounts", id: "accountid", name: "name", city: "address1_city", employees: "numberofemployees",
                                 number: "accountnumber", externalID: "crmb_externalid")
                case .salesforce:
                    self = Names(object: "Account", id: "Id", name: "Name", city: "BillingCity", employees: "NumberOfEmployees",
                                 number: "AccountNumber", externalID: "CRMB_External_Id__c")
                }
            }

            init(object: String, id: String, name: String, city: String, employees: String, number: String, externalID: String) {
                self.object = object
                self.id = id
                self.name = name
                self.city = city
                self.employees = employees
                self.number = number
                self.externalID = externalID
            }
        }

        static func exportsYAML(_ n: Names) -> String {
            """
                exports:
                  - name: accounts-upsert
                    source: { table: account_exports }
                    remoteObject: \(n.object)
                    mode: upsert
                    key: { column: external_id, remote: \(n.externalID), alternate: true }
                    fields:
                      - { column: name, remote: \(n.name) }
                      - { column: city, remote: \(n.city), replacements: [{ from: "N/A", to: null }] }
                      - { column: employees, remote: \(n.employees) }
                    interval: 500ms
                  - name: accounts-insert
                    source: { query: "SELECT id, name, number, crmbridge_xid FROM new_accounts" }
                    remoteObject: \(n.object)
                    mode: insert
                    fields: [{ column: name, remote: \(n.name) }, { column: number, remote: \(n.number) }]
                    interval: 500ms\(n.object == "Account" ? "\n        acceptDuplicates: true" : "")
                  - name: accounts-update
                    source: { table: account_updates }
                    remoteObject: \(n.object)
                    mode: update
                    key: { column: crm_id, remote: \(n.id) }
                    fields: [{ column: city, remote: \(n.city) }]
                    interval: 500ms
                deletes:
                  - name: accounts-delete
                    source: { table: account_deletes }
                    remoteObject: \(n.object)
                    keyColumn: crm_id
                    interval: 500ms
            """
        }

        static let topics = ["accounts-upsert", "accounts-insert", "accounts-update", "accounts-delete"].map { Topics.campaignToCRM(export: $0) }

        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func upsertInsertUpdateAndDeleteReachTheCRM(crm: CRMKind) async throws {
            let n = Names(crm)
            let stack = try await EgressRoles.stack(crm, prepare: Self.tables, emailEvents: false, exportsYAML: Self.exportsYAML(n))
            try await stack.seed(n.object, count: 10)
            let seeded = try await stack.crmAPI.records(n.object, idField: n.id, fields: [n.name]).keys.sorted()
            try #require(seeded.count == 10)
            let before = try await stack.crmAPI.records(n.object, idField: n.id, fields: [n.name]).count

            try await stack.withDatabase { database in
                try await database.executeScript("""
                    INSERT INTO account_exports SELECT g, 'ext-' || g, 'Export ' || g, CASE WHEN g % 5 = 0 THEN 'N/A' ELSE 'City ' || g END, g
                        FROM generate_series(1, 50) g;
                    INSERT INTO new_accounts SELECT g, 'New ' || g, 'NEW-' || g FROM generate_series(1, 20) g;
                    INSERT INTO account_updates VALUES (1, '\(seeded[0])', 'Updated 1'), (2, '\(seeded[1])', 'Updated 2'), (3, '\(seeded[2])', 'Updated 3');
                    INSERT INTO account_deletes VALUES (1, '\(seeded[7])'), (2, '\(seeded[8])'), (3, '\(seeded[9])');
                    """)
            }
            let roles = try await EgressRoles.start(stack)
            defer { roles.stop() }
            for name in ["accounts-upsert", "accounts-insert", "accounts-update", "accounts-delete"] {
                try await roles.waitUntil("the reader to publish \(name)") {
                    try await stack.option("LASTEXPORT_test_campaign-to-crm_\(name)")?.hasSuffix(name == "accounts-upsert" ? ":50" : name == "accounts-insert" ? ":20" : ":3") == true
                }
            }
            try await roles.waitUntil("the writer to commit every export") { try await roles.writerLag(topics: Self.topics) == 0 }

            var records = try await stack.crmAPI.records(n.object, idField: n.id, fields: [n.name, n.city, n.employees, n.number, n.externalID])
            // Upsert by key: one record per external id, field for field, "N/A" replaced by null.
            let upserted = records.values.filter { $0[n.externalID]?.stringValue?.hasPrefix("ext-") == true }
            #expect(upserted.count == 50)
            for record in upserted {
                let id = Int(record[n.externalID]?.stringValue?.dropFirst(4) ?? "") ?? -1
                #expect(record[n.name]?.stringValue == "Export \(id)")
                #expect(record[n.city]?.stringValue == (id % 5 == 0 ? nil : "City \(id)"), "\(record)")
                #expect(record[n.employees]?.description == "\(Double(id))" || record[n.employees]?.description == "\(id)", "\(record)")
            }
            // Insert without a key: one new record per row.
            let inserted = records.values.compactMap { $0[n.number]?.stringValue }.filter { $0.hasPrefix("NEW-") }
            #expect(inserted.sorted() == (1...20).map { "NEW-\($0)" }.sorted())
            // Update by primary key.
            for index in 0..<3 {
                #expect(records[seeded[index]]?[n.city]?.stringValue == "Updated \(index + 1)")
            }
            // Delete by primary key.
            for index in 7..<10 { #expect(records[seeded[index]] == nil, "\(seeded[index]) is deleted") }
            #expect(records.count == before + 50 + 20 - 3)

            // A changed row is stamped again and sent again: the same record changes.
            try await stack.execute("UPDATE account_exports SET name = 'Renamed 7' WHERE id = 7")
            try await roles.waitUntil("the change to reach the CRM") {
                let now = try await stack.crmAPI.records(n.object, idField: n.id, fields: [n.name, n.externalID])
                return now.values.contains { $0[n.externalID]?.stringValue == "ext-7" && $0[n.name]?.stringValue == "Renamed 7" }
            }
            records = try await stack.crmAPI.records(n.object, idField: n.id, fields: [n.name, n.externalID])
            #expect(records.values.filter { $0[n.externalID]?.stringValue?.hasPrefix("ext-") == true }.count == 50)
            #expect(try await stack.count("SELECT count(*) FROM crmbridge.rejects") == 0)
            #expect(try await stack.status(.campaignToCRM)?.status == .running)
        }
    }
}
