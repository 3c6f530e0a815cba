import Config
import Foundation
import PostgresBridge
import TestSupport
import Testing
import WorkflowRuntime

extension EgressEndToEnd {
    /// Bad events become one reject each, with a clear code, in `crmbridge.rejects` and
    /// on the rejects topic; every other event arrives and the workflow stays RUNNING.
    @Suite struct RejectTests {
        /// A customer's table need not have the demo's constraints.
        static let laxTable = """
            ALTER TABLE email_events ALTER COLUMN crm_id DROP NOT NULL;
            ALTER TABLE email_events DROP CONSTRAINT IF EXISTS email_events_event_type_check;
            """

        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func badEventsAreRejectedOnceAndTheRestArrives(crm: CRMKind) async throws {
            let stack = try await EgressRoles.stack(crm, prepare: Self.laxTable)
            let contacts = try await EmailEventFixture.contacts(stack, count: 10)
            let roles = try await EgressRoles.start(stack)
            defer { roles.stop() }

            let missingContact = crm == .dynamics ? "0b9e3f4c-1d2e-4f60-8a7b-9c0d1e2f3a4b" : "003000000000999AAA"
            try await stack.withDatabase { database in
                try await EmailEventFixture.insert(1...200, contacts: contacts, on: database)
                try await database.executeScript("""
                    INSERT INTO email_events (id, event_type, crm_id, occurred_at, url) VALUES
                        (201, 'open', '\(missingContact)', now(), NULL),
                        (202, 'forward', '\(contacts[0])', now(), NULL),
                        (203, 'click', NULL, now(), NULL),
                        (204, 'click', '\(contacts[0])', now(), 'https://example.com/' || repeat('x', 3000));
                    """)
                try await EmailEventFixture.insert(205...300, contacts: contacts, on: database)
            }
            try await roles.waitUntil("four rejects") {
                try await stack.count("SELECT count(*) FROM crmbridge.rejects WHERE workflow = 'campaign-to-crm'") >= 4
            }
            try await roles.waitUntil("296 email events in \(crm.rawValue)") { try await EmailEventFixture.count(stack) >= 296 }
            try await roles.waitUntil("the writer to commit everything") { try await roles.writerLag() == 0 }

            let rows = try await stack.query(
                "SELECT record_id, error_symbol, error_message FROM crmbridge.rejects WHERE workflow = 'campaign-to-crm' ORDER BY record_id")
            var rejects: [String: (symbol: String, message: String)] = [:]
            for row in 0..<rows.rowCount {
                rejects[try rows.string(row, "record_id") ?? ""] = (try rows.string(row, "error_symbol") ?? "", try rows.string(row, "error_message") ?? "")
            }
            #expect(rows.rowCount == 4)
            let contactCode = crm == .dynamics ? "0x80040217" : "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY"
            #expect(rejects["201"]?.symbol == contactCode, "\(rejects["201"].map { "\($0)" } ?? "no reject")")
            #expect(rejects["201"]?.message.isEmpty == false)
            #expect(rejects["202"]?.symbol == "unknown-event-type")
            #expect(rejects["202"]?.message.contains("forward") == true)
            #expect(rejects["203"]?.symbol == "missing-crm-id")
            // A URL longer than the CRM's field: the CRM's own validation code.
            #expect(rejects["204"]?.symbol == (crm == .dynamics ? "0x80044331" : "STRING_TOO_LONG"), "\(rejects["204"].map { "\($0)" } ?? "no reject")")
            let topic = try await stack.messages(Topics.rejects(.campaignToCRM))
            #expect(topic.count == 4)
            #expect(Set(topic.compactMap { $0.key.map { String(decoding: $0, as: UTF8.self) } }) == ["201", "202", "203", "204"])

            let written = try await EmailEventFixture.inCRM(stack)
            #expect(written.records == 296)
            #expect(Set(written.events.keys) == Set(1...300).subtracting([201, 202, 203, 204]))
            #expect(try await stack.status(.campaignToCRM)?.status == .running)
        }

        /// The CRM's own validation rules refuse some records of each batch: each is a
        /// reject once, in the table and on the topic, with the CRM's code and message;
        /// the rest of every batch arrives and the workflow stays RUNNING.
        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func recordsTheCRMsValidationRulesRefuseAreRejectedOnceAndTheRestArrives(crm: CRMKind) async throws {
            let stack = try await EgressRoles.stack(crm)
            let contacts = try await EmailEventFixture.contacts(stack, count: 10)
            // Events of "Campaign 3" (every seventh) are refused by the CRM.
            let message = "Campaign 3 is closed"
            switch crm {
            case .dynamics:
                let rules = EmailEventFixture.types.map {
                    #"{"entity":"crmb_email\#($0)s","field":"crmb_campaignname","equals":"Campaign 3","message":"\#(message)"}"#
                }
                try await stack.admin("PUT", "/admin/dynamics/validation-rules", json: "[\(rules.joined(separator: ","))]")
            case .salesforce:
                try await stack.admin("PUT", "/admin/salesforce/validation-rules", json: #"""
                    [{"object":"CRMB_Email_Event__c","condition":"CRMB_Campaign_Name__c = 'Campaign 3'","message":"\#(message)","field":"CRMB_Campaign_Name__c"}]
                    """#)
            }
            let roles = try await EgressRoles.start(stack)
            defer { roles.stop() }
            try await stack.withDatabase { try await EmailEventFixture.insert(1...700, contacts: contacts, on: $0) }
            let refused = Set((1...700).filter { $0 % 7 == 3 })

            try await roles.waitUntil("every event answered") {
                let written = try await EmailEventFixture.adminCount(stack)
                guard written >= 700 - refused.count else { return false }
                return try await roles.writerLag() == 0
            }
            let rows = try await stack.query(
                "SELECT record_id, error_symbol, error_message FROM crmbridge.rejects WHERE workflow = 'campaign-to-crm'")
            var recorded: [Int] = []
            for row in 0..<rows.rowCount {
                recorded.append(Int(try rows.string(row, "record_id") ?? "") ?? -1)
                #expect(try rows.string(row, "error_symbol") == (crm == .dynamics ? "0x80044331" : "FIELD_CUSTOM_VALIDATION_EXCEPTION"))
                #expect(try rows.string(row, "error_message") == message)
            }
            #expect(recorded.count == refused.count, "each refused record once")
            #expect(Set(recorded) == refused)
            let topic = try await stack.messages(Topics.rejects(.campaignToCRM))
            #expect(topic.count == refused.count)
            #expect(Set(topic.compactMap { $0.key.flatMap { Int(String(decoding: $0, as: UTF8.self)) } }) == refused)

            let written = try await EmailEventFixture.inCRM(stack)
            #expect(written.records == 700 - refused.count)
            #expect(Set(written.events.keys) == Set(1...700).subtracting(refused))
            #expect(written.duplicates.isEmpty)
            #expect(try await stack.status(.campaignToCRM)?.status == .running)
        }
    }
}
