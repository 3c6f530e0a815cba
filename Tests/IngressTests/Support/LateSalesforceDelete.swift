import Foundation
import TestSupport
import Testing
import WorkflowRuntime

/// A Salesforce delete that no window's look-back can see: a loaded, stopped workflow in
/// which one contact was deleted three minutes ago but committed only now, with deletes
/// tracked from five minutes ago. Only `getDeleted` (by deletion date) can report it, which
/// is what the delete-tracking tests exercise, with and without a purged delete log.
struct LateSalesforceDelete {
    /// The CRM's records as loaded, before the delete.
    let live: [String: [String: TestJSON]]
    /// The contact deleted late.
    let victim: String
    /// The delete-tracking checkpoint the workflow resumes from.
    let since: String

    /// Waits for the seeded contacts to load, stops the workflow and stages the late delete.
    /// The caller starts the workflow again once it has set up whatever else its case needs.
    static func stage(_ stack: TestStack, _ roles: IngressRoles, _ contacts: TestEntity) async throws -> LateSalesforceDelete {
        let live = try await CampaignComparison.crmRecords(stack, contacts)
        try await roles.waitForRows(contacts, live.count)
        // The rows are written before the full load ends: its reconciliation still waits
        // for the writers' commit. Stopping before LASTIMPORT would cut the load short.
        try await roles.waitUntil("the full load's LASTIMPORT") {
            try await stack.option(stack.lastImportName(contacts.name)) != nil
        }
        try await stack.stopWorkflow(.crmToCampaign)
        try await stack.waitForRole(.crmToCampaign, "reader", .idle)

        let victim = try #require(live.keys.sorted().first)
        let when = TestRecords.iso(Date().addingTimeInterval(-180))
        try await stack.admin("POST", "/admin/salesforce/late", json: """
            {"object": "Contact", "id": "\(victim)", "fields": {}, "systemModstamp": "\(when)", "deleted": true}
            """)
        let since = TestRecords.iso(Date().addingTimeInterval(-300))
        try await stack.withDatabase {
            try await ConnectorStateStore(database: $0).set(.crmToCampaign, entity: "contact", .deltaLink, since)
        }
        return LateSalesforceDelete(live: live, victim: victim, since: since)
    }

    /// Where delete tracking stands now.
    func checkpoint(_ stack: TestStack) async throws -> String? {
        try await stack.withDatabase {
            try await ConnectorStateStore(database: $0).get(.crmToCampaign, entity: "contact", .deltaLink)
        }
    }
}
