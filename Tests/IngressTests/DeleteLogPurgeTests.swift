import Foundation
import TestSupport
import Testing
import WorkflowRuntime

extension IngressEndToEnd {
    /// Salesforce purges its delete log on its own; `getDeleted` then answers an
    /// `earliestDateAvailable` after the last scan. The deletes in between are gone from
    /// the log, so the reader resyncs (docs/crm-to-campaign.md) rather than leave a hole.
    @Suite struct DeleteLogPurgeTests {
        @Test func aPurgedSalesforceDeleteLogResyncsAndTheDeleteItHidReachesCampaign() async throws {
            let contacts = TestEntity.contact(.salesforce)
            let stack = try await TestStack.start(crm: .salesforce, workflowsYAML: TestEntity.workflow([contacts]))
            try await stack.seed("Contact", count: 40)
            let roles = try await IngressRoles.start(stack)
            defer { roles.stop() }
            let late = try await LateSalesforceDelete.stage(stack, roles, contacts)
            try await stack.admin("POST", "/admin/salesforce/deleted/purge?object=Contact")
            try await stack.startWorkflow(.crmToCampaign)

            try await roles.waitUntil("the reader to see the purged log") {
                roles.readers.contains { $0.log.contains("deleteLogPurged") }
            }
            try await roles.waitUntil("the hidden delete in Campaign", timeout: .seconds(120)) {
                try await stack.rowCount(contacts, ids: [late.victim]) == 0
            }
            #expect(try await stack.count("SELECT count(*) FROM profiles") == late.live.count - 1)
            // Tracking restarted after the purge: the next scans read on without a gap.
            let checkpoint = try await late.checkpoint(stack)
            #expect(checkpoint.map { $0 > late.since } == true, "tracking restarted: \(checkpoint ?? "none")")
            let comparison = try await CampaignComparison.compare(stack, contacts)
            #expect(comparison.isEqual, "\(comparison.problems)")
        }
    }
}
