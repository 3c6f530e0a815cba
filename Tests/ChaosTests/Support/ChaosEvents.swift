import Foundation
import TestSupport

/// Campaign's email events against the CRM's activity records, field for field.
enum ChaosEvents {
    static let types = ["send", "open", "click", "bounce"]

    /// One event as both sides should hold it.
    struct Event: Equatable, CustomStringConvertible {
        var type: String
        var contact: String
        var campaign: String
        var delivery: String
        var date: Int64
        var url: String?

        var description: String { "\(type) \(contact) \(campaign)/\(delivery) \(date) \(url ?? "-")" }
    }

    /// Campaign's `email_events`: id → event.
    static func inCampaign(_ stack: TestStack) async throws -> [Int: Event] {
        let rows = try await ChaosRetry.retrying("read email_events") {
            try await stack.query(
                "SELECT id::text AS id, event_type, crm_id, campaign_name, delivery_name, occurred_at::text AS occurred_at, url FROM email_events")
        }
        var events: [Int: Event] = [:]
        for row in rows {
            guard let id = row["id"].flatMap({ Int($0) }) else { continue }
            events[id] = Event(
                type: row["event_type"] ?? "", contact: row["crm_id"] ?? "", campaign: row["campaign_name"] ?? "",
                delivery: row["delivery_name"] ?? "", date: row["occurred_at"].flatMap(TestJSON.instant) ?? -1, url: row["url"])
        }
        return events
    }

    /// Every email event in the CRM, read through its API: event id → what it says, the
    /// number of records, and the ids held by more than one record. Dynamics keeps one
    /// activity table per type (`crmb_email<type>s`), Salesforce one object with a type field.
    static func inCRM(_ stack: TestStack) async throws -> (events: [Int: Event], records: Int, duplicates: [Int]) {
        var events: [Int: Event] = [:]
        var records = 0
        var duplicates: [Int] = []
        for (type, rows) in try await rows(stack) {
            for row in rows {
                records += 1
                guard let id = row["eventID"]?.stringValue.flatMap({ Int($0) }) else { continue }
                if events[id] != nil { duplicates.append(id) }
                let campaign = row["campaign"]?.stringValue ?? ""
                let delivery = row["delivery"]?.stringValue ?? ""
                let subject = row["subject"]?.stringValue
                let recordType = row["type"]?.stringValue ?? type
                events[id] = Event(
                    type: subject == "\(campaign) / \(delivery)" ? recordType : "\(recordType) with subject \(subject ?? "nil")",
                    contact: row["contact"]?.stringValue ?? "", campaign: campaign, delivery: delivery,
                    date: row["date"]?.stringValue.flatMap(TestJSON.instant) ?? -1, url: row["url"]?.stringValue)
            }
        }
        return (events, records, duplicates)
    }

    /// The CRM's email-event records with their fields under common names (`eventID`,
    /// `subject`, `type`, `contact`, `campaign`, `delivery`, `date`, `url`), per table.
    private static func rows(_ stack: TestStack) async throws -> [(type: String, rows: [[String: TestJSON]])] {
        switch stack.crm {
        case .dynamics:
            let names = ["crmb_eventid": "eventID", "subject": "subject", "crmb_campaignname": "campaign", "crmb_deliveryname": "delivery",
                         "crmb_eventdate": "date", "crmb_url": "url", "_regardingobjectid_value": "contact"]
            var tables: [(String, [[String: TestJSON]])] = []
            for type in types {
                let records = try await ChaosRetry.retrying("read crmb_email\(type)s") {
                    try await stack.crmAPI.records("crmb_email\(type)s", idField: "activityid", fields: Array(names.keys))
                }
                tables.append((type, records.values.map { renamed($0, names) }))
            }
            return tables
        case .salesforce:
            let names = ["CRMB_Event_Id__c": "eventID", "Name": "subject", "CRMB_Type__c": "type", "CRMB_Contact__c": "contact",
                         "CRMB_Campaign_Name__c": "campaign", "CRMB_Delivery_Name__c": "delivery", "CRMB_Event_Date__c": "date",
                         "CRMB_URL__c": "url"]
            let records = try await ChaosRetry.retrying("read \(salesforceObject)") {
                try await stack.crmAPI.records(salesforceObject, idField: "Id", fields: Array(names.keys))
            }
            return [("", records.values.map { renamed($0, names) })]
        }
    }

    private static func renamed(_ row: [String: TestJSON], _ names: [String: String]) -> [String: TestJSON] {
        Dictionary(uniqueKeysWithValues: row.compactMap { key, value in names[key].map { ($0, value) } })
    }

    static let salesforceObject = "CRMB_Email_Event__c"

    /// Email events in the CRM, from the emulator's admin counts (cheap, never faulted).
    static func adminCount(_ stack: TestStack) async throws -> Int {
        let crm = ChaosCRMSchema.of(stack)
        guard stack.crm == .dynamics else { return try await crm.adminCount(stack, salesforceObject) }
        var total = 0
        for type in types { total += try await crm.adminCount(stack, "crmb_email\(type)s") }
        return total
    }
}
