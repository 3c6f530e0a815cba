import Config
import Foundation
import PostgresBridge
import TestSupport
import KafkaBridge
import WorkflowRuntime

/// Email events as a test inserts them into Campaign and expects them in the CRM.
struct EmailEventFixture {
    static let types = ["send", "open", "click", "bounce"]

    /// The contacts the events point at, as the CRM's own API lists them.
    static func contacts(_ stack: TestStack, count: Int) async throws -> [String] {
        let object = stack.crm == .dynamics ? "contacts" : "Contact"
        try await stack.seed(object, count: count)
        let records = try await stack.crmAPI.records(
            object, idField: stack.crm == .dynamics ? "contactid" : "Id", fields: [stack.crm == .dynamics ? "lastname" : "LastName"])
        return records.keys.sorted()
    }

    /// Inserts events `ids` (one statement, one transaction): type cycles with the id,
    /// every bounce hard, clicks with a URL, dates one second apart from 2026-01-01.
    static func insert(_ ids: ClosedRange<Int>, contacts: [String], on database: any PostgresQueryable) async throws {
        try await database.execute(
            """
            INSERT INTO email_events (id, event_type, crm_id, occurred_at, campaign_name, delivery_name, url, bounce_type)
            SELECT g, ($3::text[])[1 + g % 4], ($4::text[])[1 + g % array_length($4::text[], 1)],
                   timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second',
                   'Campaign ' || (g % 7), 'Delivery ' || (g % 3),
                   CASE WHEN g % 4 = 2 THEN 'https://example.com/click/' || g END,
                   CASE WHEN g % 4 = 3 THEN 'hard' END
            FROM generate_series($1::bigint, $2::bigint) g
            """,
            [String(ids.lowerBound), String(ids.upperBound), PostgresArrayLiteral.text(types), PostgresArrayLiteral.text(contacts)])
    }

    /// What the CRM should hold for event `id`.
    struct Expected: Equatable, CustomStringConvertible {
        var type: String
        var contact: String
        var campaign: String
        var delivery: String
        var date: Int64
        var url: String?

        init(id: Int, contacts: [String]) {
            type = EmailEventFixture.types[id % 4]
            contact = contacts[id % contacts.count]
            campaign = "Campaign \(id % 7)"
            delivery = "Delivery \(id % 3)"
            date = (1_767_225_600 + Int64(id)) * 1000
            url = id % 4 == 2 ? "https://example.com/click/\(id)" : nil
        }

        init(type: String, contact: String, campaign: String, delivery: String, date: Int64, url: String?) {
            self.type = type
            self.contact = contact
            self.campaign = campaign
            self.delivery = delivery
            self.date = date
            self.url = url
        }

        var description: String { "\(type) \(contact) \(campaign)/\(delivery) \(date) \(url ?? "-")" }
    }

    /// Every email event the CRM holds, read through its API: event id → what it says,
    /// with how many records carry each id (a duplicate shows as a count above 1).
    static func inCRM(_ stack: TestStack) async throws -> (events: [Int: Expected], records: Int, duplicates: [Int]) {
        var events: [Int: Expected] = [:]
        var records = 0
        var duplicates: [Int] = []
        func add(_ id: Int?, _ expected: Expected) {
            guard let id else { return }
            records += 1
            if events[id] != nil { duplicates.append(id) }
            events[id] = expected
        }
        switch stack.crm {
        case .dynamics:
            for type in types {
                let rows = try await stack.crmAPI.records(
                    "crmb_email\(type)s", idField: "activityid",
                    fields: ["crmb_eventid", "subject", "crmb_campaignname", "crmb_deliveryname", "crmb_eventdate", "crmb_url", "_regardingobjectid_value"])
                for row in rows.values {
                    let campaign = row["crmb_campaignname"]?.stringValue ?? ""
                    let delivery = row["crmb_deliveryname"]?.stringValue ?? ""
                    let subject = row["subject"]?.stringValue
                    add(row["crmb_eventid"]?.stringValue.flatMap { Int($0) }, Expected(
                        type: subject == "\(campaign) / \(delivery)" ? type : "\(type) with subject \(subject ?? "nil")",
                        contact: row["_regardingobjectid_value"]?.stringValue ?? "",
                        campaign: campaign, delivery: delivery,
                        date: row["crmb_eventdate"]?.stringValue.flatMap(TestJSON.instant) ?? -1,
                        url: row["crmb_url"]?.stringValue))
                }
            }
        case .salesforce:
            let rows = try await stack.crmAPI.records(
                "CRMB_Email_Event__c", idField: "Id",
                fields: ["CRMB_Event_Id__c", "Name", "CRMB_Type__c", "CRMB_Contact__c", "CRMB_Campaign_Name__c",
                         "CRMB_Delivery_Name__c", "CRMB_Event_Date__c", "CRMB_URL__c"])
            for row in rows.values {
                let campaign = row["CRMB_Campaign_Name__c"]?.stringValue ?? ""
                let delivery = row["CRMB_Delivery_Name__c"]?.stringValue ?? ""
                let type = row["CRMB_Type__c"]?.stringValue ?? ""
                let name = row["Name"]?.stringValue
                add(row["CRMB_Event_Id__c"]?.stringValue.flatMap { Int($0) }, Expected(
                    type: name == "\(campaign) / \(delivery)" ? type : "\(type) with name \(name ?? "nil")",
                    contact: row["CRMB_Contact__c"]?.stringValue ?? "",
                    campaign: campaign, delivery: delivery,
                    date: row["CRMB_Event_Date__c"]?.stringValue.flatMap(TestJSON.instant) ?? -1,
                    url: row["CRMB_URL__c"]?.stringValue))
            }
        }
        return (events, records, duplicates)
    }

    /// How many email-event records the CRM holds (cheaper than `inCRM` for waiting).
    static func count(_ stack: TestStack) async throws -> Int {
        try await inCRM(stack).records
    }
}

extension EmailEventFixture {
    /// How many email-event records the CRM holds, from the emulator's admin counts: never
    /// faulted nor slowed, so a test can wait on it while the CRM API is. The final checks
    /// read the records through the CRM's API (`inCRM`).
    static func adminCount(_ stack: TestStack) async throws -> Int {
        let text = try await stack.admin("GET", "/admin/\(stack.crm.rawValue)/counts")
        let counts = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
        switch stack.crm {
        case .dynamics:
            return types.reduce(0) { $0 + ((counts["crmb_email\($1)s"] as? Int) ?? 0) }
        case .salesforce:
            return ((counts["CRMB_Email_Event__c"] as? [String: Any])?["live"] as? Int) ?? 0
        }
    }

    /// The messages of the email-events topic whose event the CRM already holds but whose
    /// offset the writer group has not committed: what a new writer gets again.
    static func writtenButUncommitted(_ stack: TestStack, committed: [Int32: Int64]) async throws -> Int {
        let inCRM = Set(try await inCRM(stack).events.keys.map(String.init))
        return try await stack.messages(Topics.emailEvents).filter { message in
            message.offset >= committed[message.partition, default: 0]
                && inCRM.contains(String(decoding: message.key ?? [], as: UTF8.self))
        }.count
    }
}
