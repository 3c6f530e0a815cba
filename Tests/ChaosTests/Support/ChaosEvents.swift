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

    /// Every email-event activity in the CRM, read through its Web API: event id → what it
    /// says, the number of records, and the ids held by more than one record.
    static func inCRM(_ stack: TestStack) async throws -> (events: [Int: Event], records: Int, duplicates: [Int]) {
        var events: [Int: Event] = [:]
        var records = 0
        var duplicates: [Int] = []
        for type in types {
            let rows = try await ChaosRetry.retrying("read crmb_email\(type)s") {
                try await stack.crmAPI.records(
                    "crmb_email\(type)s", idField: "activityid",
                    fields: ["crmb_eventid", "subject", "crmb_campaignname", "crmb_deliveryname", "crmb_eventdate", "crmb_url",
                             "_regardingobjectid_value"])
            }
            for row in rows.values {
                records += 1
                guard let id = row["crmb_eventid"]?.stringValue.flatMap({ Int($0) }) else { continue }
                if events[id] != nil { duplicates.append(id) }
                let campaign = row["crmb_campaignname"]?.stringValue ?? ""
                let delivery = row["crmb_deliveryname"]?.stringValue ?? ""
                let subject = row["subject"]?.stringValue
                events[id] = Event(
                    type: subject == "\(campaign) / \(delivery)" ? type : "\(type) with subject \(subject ?? "nil")",
                    contact: row["_regardingobjectid_value"]?.stringValue ?? "", campaign: campaign, delivery: delivery,
                    date: row["crmb_eventdate"]?.stringValue.flatMap(TestJSON.instant) ?? -1, url: row["crmb_url"]?.stringValue)
            }
        }
        return (events, records, duplicates)
    }

    /// Email-event activities in the CRM, from the emulator's admin counts (cheap, never faulted).
    static func adminCount(_ stack: TestStack) async throws -> Int {
        var total = 0
        for type in types { total += try await ChaosCRM.adminCount(stack, "crmb_email\(type)s") }
        return total
    }
}
