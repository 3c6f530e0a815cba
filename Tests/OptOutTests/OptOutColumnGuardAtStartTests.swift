import Config
import Foundation
import TestSupport
import Testing
import WorkflowRuntime

extension OptOutEndToEnd {
    /// A crm-to-campaign version stored before the opt-out column guard existed (so never
    /// validated by it) does not run: its reader goes FAILED naming the field, and
    /// `profiles.blocklisted` is never written by crm-to-campaign.
    @Suite struct OptOutColumnGuardAtStartTests {
        @Test func aStoredCRMToCampaignMappingOntoBlocklistedFailsAtStartNamingTheField() async throws {
            let stack = try await OptOutRoles.stack(.dynamics, mode: "disabled")
            try await stack.startWorkflow(.crmToCampaign, yaml: """
                entities:
                  - name: contact
                    fields:
                      - { remote: donotbulkemail, column: blocklisted }
                """)
            let reader = try stack.spawn("IngressService", ["reader"])
            defer { reader.terminate() }
            let failed = try await stack.waitForRole(.crmToCampaign, "reader", .failed, timeout: .seconds(90))
            let error = try #require(failed.lastError)
            #expect(error.contains("entities[0].fields[0].column"), "\(error)")
            #expect(error.contains("opt-in-out"), "\(error)")
            let status = try await stack.status(.crmToCampaign)
            #expect(status?.status == .failed)
            #expect(status?.reason?.contains("blocklisted") == true, "\(String(describing: status))")
        }
    }
}
