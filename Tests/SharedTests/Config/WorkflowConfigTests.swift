@testable import Config
@testable import Mapping
import Testing

@Suite struct WorkflowConfigTests {
    @Test func oneWorkflowIsValidatedAloneWithRelativePathsAndLines() {
        let yaml = """
            entities:
              - name: contact
                fields:
                  - { remote: firstname, column: first_name }
                  - { remote: lastname, column: first_name }
                  - { remote: email.address, column: email }
                filter: "parentcustomerid/name eq null"
                pageSize: 9000
            """
        let found = workflowProblems(yaml, .crmToCampaign)
        #expect(found == [
            ConfigProblem(path: "entities[0].fields[1].column", line: 5,
                          message: #"column "first_name" is already written by fields[0]"#),
            ConfigProblem(path: "entities[0].fields[2].remote", line: 6,
                          message: #""email.address" is not a valid CRM name (letters, digits and '_', starting with a letter)"#),
            ConfigProblem(path: "entities[0].filter", line: 7,
                          message: #"breaks rule no-joins: "parentcustomerid/name" in "parentcustomerid/name eq null" goes through a relation; filter on fields of the entity itself"#),
            ConfigProblem(path: "entities[0].pageSize", line: 8, message: "9000 is out of range (1…5000)"),
        ])
    }

    @Test func anEmptySectionGivesTheDefaults() throws {
        #expect(try WorkflowConfig.parse(yaml: "", workflow: .crmToCampaign, crm: .dynamics)
            == .crmToCampaign(CRMToCampaignConfig()))
        #expect(try WorkflowConfig.parse(yaml: "{}", workflow: .optInOut, crm: .salesforce)
            == .optInOut(.defaults(for: .salesforce)))
        #expect(try WorkflowConfig.parse(yaml: "", workflow: .campaignToCRM, crm: .dynamics)
            == .campaignToCRM(CampaignToCRMConfig()))
    }

    @Test func maxBacklogIsReadAndBounded() throws {
        #expect(CRMToCampaignConfig().maxBacklog == 200_000)
        guard case .crmToCampaign(let read) = try WorkflowConfig.parse(yaml: "maxBacklog: 0\nentities: []\n", workflow: .crmToCampaign, crm: .dynamics) else {
            Issue.record("not a crm-to-campaign section")
            return
        }
        #expect(read.maxBacklog == 0)
        #expect(workflowProblems("maxBacklog: -5\n", .crmToCampaign).map(\.description)
            == ["line 1: maxBacklog: -5 is out of range (0…1000000000)"])
    }

    @Test func entitiesNeedTheirRequiredKeysAndUniqueNames() {
        let yaml = """
            entities:
              - name: project
                fields: []
              - name: contact
              - name: contact
              - name: "bad name"
                remoteObject: x
                table: t
            """
        let found = workflowProblems(yaml, .crmToCampaign).map(\.description)
        #expect(found == [
            #"line 2: entities[0].remoteObject: missing required key "remoteObject""#,
            #"line 2: entities[0].table: missing required key "table""#,
            #"line 5: entities[2].name: entity "contact" is already defined at entities[1]"#,
            #"line 6: entities[3].name: "bad name" is not a valid name (letters, digits, '_' and '-', starting with a letter or digit, at most 100 characters)"#,
        ])
    }

    @Test func entityOptionsAreRead() throws {
        let yaml = """
            entities:
              - name: lead
                remoteObject: leads
                table: public.crm_leads
                idColumn: lead_id
                modifiedColumn: lead_modified
                allowStringComparisons: true
                filter: "startswith(lastname,'O''B') or statecode eq 1"
                orderBy: "createdon desc, leadid"
                population: { sql: "select crm_id from vip" }
                deletes: { enabled: true, deleteWhenFilteredOut: true }
                lookBack: 0s
                interval: 1h30m
                fields:
                  - remote: lastname
                    column: last_name
                    replacements: [{ from: null, to: "(none)" }, { from: "N/A", to: null }]
            """
        guard case .crmToCampaign(let config) = try WorkflowConfig.parse(yaml: yaml, workflow: .crmToCampaign, crm: .dynamics),
              let lead = config.entities.first else {
            Issue.record("no entity")
            return
        }
        #expect(lead.remoteIdField == "leadid")
        #expect(lead.table == "public.crm_leads" && lead.idColumn == "lead_id" && lead.modifiedColumn == "lead_modified")
        #expect(lead.filter?.text == "startswith(lastname,'O''B') or statecode eq 1")
        #expect(lead.orderBy == [.init(field: "createdon", descending: true), .init(field: "leadid")])
        #expect(lead.population == .sql("select crm_id from vip"))
        #expect(lead.deletes == EntityConfig.Deletes(enabled: true, deleteWhenFilteredOut: true))
        #expect(lead.lookBack == .zero && lead.interval == .seconds(5400))
        #expect(lead.fields.first?.replacements == [ReplacementRule(from: nil, to: "(none)"), ReplacementRule(from: "N/A", to: nil)])
        #expect(try lead.fields.first?.campaignValue(for: nil).get() == "(none)")
    }

    @Test func stringFiltersNeedTheOptIn() {
        let yaml = """
            entities:
              - name: contact
                fields: []
                filter: "lastname eq 'Smith'"
                population: { sql: "select 1", file: ids.txt }
                orderBy: "a asc desc"
            """
        let found = workflowProblems(yaml, .crmToCampaign).map(\.description)
        #expect(found.count == 3)
        #expect(found.first?.contains("breaks rule string-comparison-not-allowed") == true)
        #expect(found.contains("line 5: entities[0].population: set either sql or file, not both"))
        #expect(found.contains { $0.hasPrefix(#"line 6: entities[0].orderBy: "a asc desc" is not"#) })
    }

    @Test func campaignToCRMExportsAreChecked() throws {
        let yaml = """
            emailEvents:
              enabled: true
              types: { open: false, clik: true }
              batchSize: 500
            exports:
              - name: scores
                source: { table: contact_scores }
                remoteObject: Contact
                mode: upsert
                fields: [{ column: score, remote: Score__c }]
              - name: scores
                source: { table: a, query: "select 1" }
                remoteObject: Contact
                mode: update
                key: { column: crm_id, remote: Id }
                fields: [{ column: a, remote: A__c }, { column: b, remote: A__c }]
              - name: email-events
                source: { query: "select * from x" }
                remoteObject: Contact
                mode: insert
                fields: []
            deletes:
              - name: purge
                source: { query: "select crm_id from gone" }
                remoteObject: Contact
                keyColumn: crm_id
                batchSize: 201
            """
        let found = workflowProblems(yaml, .campaignToCRM, crm: .salesforce).map(\.description)
        #expect(found == [
            #"line 3: emailEvents.types.clik: unknown key "clik"; did you mean "click"?"#,
            "line 4: emailEvents.batchSize: 500 is out of range (1…200)",
            #"line 6: exports[0].key: missing required key "key" (mode upsert needs the CRM key: {column, remote})"#,
            "line 12: exports[1].source: set either table or query, not both",
            #"line 16: exports[1].fields[1].remote: CRM field "A__c" is already written by another field"#,
            #"line 17: exports[2].name: "email-events" is reserved for the workflow's own topic"#,
            "line 20: exports[2].mode: Salesforce has no idempotent insert: a row sent again (after a crash between Salesforce's answer and the offset commit, or changed later) would become a second record. Upsert by an External ID field instead (mode: upsert, key: {column: id, remote: <External ID field>, alternate: true}), or set acceptDuplicates: true to insert anyway",
            "line 27: deletes[0].batchSize: 201 is out of range (1…200)",
        ])
    }

    @Test func validExportsAndDeletesAreTyped() throws {
        let yaml = """
            exports:
              - name: scores
                source: { query: "select crm_id, score from scores" }
                remoteObject: contacts
                mode: upsert
                key: { column: crm_id, remote: crmb_externalid, alternate: true }
                fields: [{ column: score, remote: crmb_score }]
                cursorColumn: updated_at
                batchSize: 1000
            deletes:
              - { name: purge, source: { table: gone }, remoteObject: contacts, keyColumn: crm_id }
            """
        guard case .campaignToCRM(let config) = try WorkflowConfig.parse(yaml: yaml, workflow: .campaignToCRM, crm: .dynamics)
        else {
            Issue.record("wrong workflow")
            return
        }
        #expect(config.emailEvents == .init())
        #expect(config.exports == [ExportConfig(
            name: "scores", source: .query("select crm_id, score from scores"), remoteObject: "contacts",
            key: .init(column: "crm_id", remote: "crmb_externalid", alternate: true), mode: .upsert,
            fields: [.init(column: "score", remote: "crmb_score")], cursorColumn: "updated_at", batchSize: 1000)])
        #expect(config.deletes == [CRMDeleteConfig(name: "purge", source: .table("gone"), remoteObject: "contacts", keyColumn: "crm_id")])
    }

    @Test func exportFieldsTakeAConversionOrALookup() throws {
        let yaml = """
            exports:
              - name: contacts
                source: { table: contact_exports }
                remoteObject: contacts
                mode: update
                key: { column: crm_id, remote: contactid }
                fields:
                  - { column: born, remote: birthdate, conversion: dateOnly }
                  - { column: account_id, remote: parentcustomerid_account, lookup: { target: accounts } }
            """
        guard case .campaignToCRM(let config) = try WorkflowConfig.parse(yaml: yaml, workflow: .campaignToCRM, crm: .dynamics)
        else {
            Issue.record("wrong workflow")
            return
        }
        #expect(config.exports.first?.fields == [
            .init(column: "born", remote: "birthdate", conversion: .dateOnly),
            .init(column: "account_id", remote: "parentcustomerid_account", lookup: .init(target: "accounts")),
        ])

        let wrong = """
            exports:
              - name: contacts
                source: { table: contact_exports }
                remoteObject: Contact
                mode: insert
                acceptDuplicates: true
                fields:
                  - { column: born, remote: Birthdate, conversion: dateonly }
                  - { column: account_id, remote: AccountId, lookup: { target: Account }, conversion: copy }
                  - { column: owner, remote: OwnerId, lookup: {} }
            """
        #expect(workflowProblems(wrong, .campaignToCRM, crm: .salesforce).map(\.description) == [
            #"line 8: exports[0].fields[0].conversion: unknown conversion "dateonly" (expected default, dateOnly, copy)"#,
            "line 9: exports[0].fields[1].conversion: a lookup sends the linked record's key as it is: drop conversion",
            #"line 10: exports[0].fields[2].lookup.target: missing required key "target""#,
        ])
    }

    @Test func wrongValueTypesAreReported() {
        let yaml = """
            mode: bidirectional
            crmField: [a, b]
            interval: -5s
            lookBack: { a: 1 }
            campaignTable: "drop table x;"
            """
        let found = workflowProblems(yaml, .optInOut).map(\.description)
        #expect(found == [
            #"line 2: crmField: expected a text value, found a list"#,
            #"line 3: interval: "-5s" is not a duration (write a number and a unit: 500ms, 30s, 5m, 1h, 1d, or 1h30m)"#,
            #"line 4: lookBack: expected a duration like 30s, found a mapping"#,
            #"line 5: campaignTable: "drop table x;" is not a valid table name (table or schema.table; letters, digits and '_')"#,
        ])
    }
}
