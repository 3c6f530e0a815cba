import Config
import Foundation
import TestSupport
import Testing
import WorkflowRuntime

extension EgressEndToEnd {
    /// What an export's mapping does to values on their way to the CRM: a Campaign `date`
    /// arrives as a CRM date, a `timestamptz` written with another offset and microseconds
    /// as the same instant in a CRM date-time, and a lookup column links the CRM record to
    /// another one (Dynamics `@odata.bind`, Salesforce the lookup field), null clearing the
    /// link. A lookup to a record the CRM does not hold is a reject with the CRM's code.
    /// Each checked through the CRM's own API, both CRMs.
    @Suite struct ExportMappingTests {
        static let tables = """
            CREATE TABLE contact_exports (id bigint PRIMARY KEY, crm_id text, birthday date, account_id text,
                crmbridge_xid xid8 DEFAULT pg_current_xact_id());
            CREATE TABLE activity_exports (id bigint PRIMARY KEY, event_id text, kind text, happened_at timestamptz, contact_id text,
                crmbridge_xid xid8 DEFAULT pg_current_xact_id());
            """

        /// The CRM's names for the two exports: contacts updated by primary key (a date
        /// and a lookup to an account), and activities upserted by event id (a date-time
        /// and a lookup to a contact).
        struct Names {
            var contacts, contactID, birthdate, accountLookup, accountLookupRead, accounts, accountID: String
            var activities, eventID, kind, eventDate, contactLookup, contactLookupRead, contactsTarget: String

            init(_ crm: CRMKind) {
                switch crm {
                case .dynamics:
                    (contacts, contactID, birthdate, accountLookup, accountLookupRead, accounts, accountID) =
                        ("contacts", "contactid", "birthdate", "parentcustomerid_account", "_parentcustomerid_value", "accounts", "accountid")
                    (activities, eventID, kind, eventDate, contactLookup, contactLookupRead, contactsTarget) =
                        ("crmb_emailclicks", "crmb_eventid", "crmb_deliveryname", "crmb_eventdate",
                         "regardingobjectid_contact_crmb_emailclick", "_regardingobjectid_value", "contacts")
                case .salesforce:
                    (contacts, contactID, birthdate, accountLookup, accountLookupRead, accounts, accountID) =
                        ("Contact", "Id", "Birthdate", "AccountId", "AccountId", "Account", "Id")
                    (activities, eventID, kind, eventDate, contactLookup, contactLookupRead, contactsTarget) =
                        ("CRMB_Email_Event__c", "CRMB_Event_Id__c", "CRMB_Type__c", "CRMB_Event_Date__c", "CRMB_Contact__c",
                         "CRMB_Contact__c", "Contact")
                }
            }
        }

        static func exportsYAML(_ n: Names) -> String {
            """
                exports:
                  - name: contact-dates
                    source: { table: contact_exports }
                    remoteObject: \(n.contacts)
                    mode: update
                    key: { column: crm_id, remote: \(n.contactID) }
                    fields:
                      - { column: birthday, remote: \(n.birthdate) }
                      - { column: account_id, remote: \(n.accountLookup), lookup: { target: \(n.accounts) } }
                    interval: 500ms
                  - name: activities
                    source: { table: activity_exports }
                    remoteObject: \(n.activities)
                    mode: upsert
                    key: { column: event_id, remote: \(n.eventID), alternate: true }
                    fields:
                      - { column: kind, remote: \(n.kind) }
                      - { column: happened_at, remote: \(n.eventDate) }
                      - { column: contact_id, remote: \(n.contactLookup), lookup: { target: \(n.contactsTarget) } }
                    interval: 500ms
            """
        }

        static let topics = ["contact-dates", "activities"].map { Topics.campaignToCRM(export: $0) }

        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func datesArriveAsCRMDatesAndLookupsLinkTheRecord(crm: CRMKind) async throws {
            let n = Names(crm)
            let stack = try await EgressRoles.stack(crm, prepare: Self.tables, emailEvents: false, exportsYAML: Self.exportsYAML(n))
            let contacts = try await EmailEventFixture.contacts(stack, count: 5)
            try await stack.seed(n.accounts, count: 3)
            let accounts = try await stack.crmAPI.records(n.accounts, idField: n.accountID, fields: []).keys.sorted()
            try #require(contacts.count == 5 && accounts.count >= 3)
            // A record id of the right shape that the CRM does not hold.
            let missingContact = crm == .dynamics ? "00000000-0000-0000-0000-0000000000ab" : "003000000000999"

            try await stack.withDatabase { database in
                try await database.executeScript("""
                    INSERT INTO contact_exports VALUES
                        (1, '\(contacts[0])', '1990-05-11', '\(accounts[0])'),
                        (2, '\(contacts[1])', '1985-12-31', '\(accounts[1])'),
                        (3, '\(contacts[2])', NULL, NULL);
                    INSERT INTO activity_exports VALUES
                        (1, 'act-1', 'click', '2026-03-31 02:30:00.123456+02', '\(contacts[0])'),
                        (2, 'act-2', 'click', '2026-01-01 00:00:00+00', '\(contacts[1])'),
                        (3, 'act-3', 'click', '2026-06-15 23:59:59-07', '\(missingContact)');
                    """)
            }
            let roles = try await EgressRoles.start(stack)
            defer { roles.stop() }
            try await roles.waitUntil("the reader to publish both exports") {
                let contacts = try await stack.option("LASTEXPORT_test_campaign-to-crm_contact-dates")
                let activities = try await stack.option("LASTEXPORT_test_campaign-to-crm_activities")
                return contacts?.hasSuffix(":3") == true && activities?.hasSuffix(":3") == true
            }
            try await roles.waitUntil("the writer to commit both exports") { try await roles.writerLag(topics: Self.topics) == 0 }

            // Dates: a `date` column is the CRM date as written.
            let contactRecords = try await stack.crmAPI.records(n.contacts, idField: n.contactID, fields: [n.birthdate, n.accountLookupRead])
            #expect(contactRecords[contacts[0]]?[n.birthdate]?.stringValue == "1990-05-11")
            #expect(contactRecords[contacts[1]]?[n.birthdate]?.stringValue == "1985-12-31")
            #expect(contactRecords[contacts[2]]?[n.birthdate]?.stringValue == nil)
            // Lookups: bound to the account, or cleared by a null.
            #expect(contactRecords[contacts[0]]?[n.accountLookupRead]?.stringValue == accounts[0])
            #expect(contactRecords[contacts[1]]?[n.accountLookupRead]?.stringValue == accounts[1])
            #expect(contactRecords[contacts[2]]?[n.accountLookupRead]?.stringValue == nil)

            // Date-times: the same instant, whatever offset Campaign wrote it with.
            let activities = try await stack.crmAPI.records(n.activities, idField: crm == .dynamics ? "activityid" : "Id",
                                                            fields: [n.eventID, n.eventDate, n.contactLookupRead])
            let byEvent = Dictionary(activities.values.compactMap { row in row[n.eventID]?.stringValue.map { ($0, row) } }) { first, _ in first }
            #expect(byEvent.count == 2, "act-3 links a contact the CRM does not hold: \(byEvent.keys.sorted())")
            let instant = { (event: String) in byEvent[event]?[n.eventDate]?.stringValue.flatMap(TestJSON.instant) }
            // 2026-03-31T00:30:00.123Z (Dynamics keeps whole seconds).
            #expect(instant("act-1") == (crm == .dynamics ? 1_774_917_000_000 : 1_774_917_000_123))
            #expect(instant("act-2") == 1_767_225_600_000)
            #expect(byEvent["act-1"]?[n.contactLookupRead]?.stringValue == contacts[0])
            #expect(byEvent["act-2"]?[n.contactLookupRead]?.stringValue == contacts[1])

            // The missing contact is a reject with the CRM's code; the workflow runs on.
            let rejects = try await stack.query(
                "SELECT entity, record_id, error_symbol FROM crmbridge.rejects WHERE workflow = 'campaign-to-crm'")
            #expect(rejects.rowCount == 1)
            #expect(try rejects.string(0, "entity") == "activities")
            #expect(try rejects.string(0, "record_id") == "3")
            let contactCode = crm == .dynamics ? "0x80040217" : "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY"
            #expect(try rejects.string(0, "error_symbol") == contactCode)
            #expect(try await stack.status(.campaignToCRM)?.status == .running)
        }
    }
}
