import Config
import Foundation
import TestSupport
import Testing
import WorkflowRuntime

extension OptOutEndToEnd {
    /// In a one-way mode the source side's flips arrive on the other side, and the other
    /// side's flips stay where they were made (its reader idles).
    @Suite struct OneWayModeTests {
        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func crmToCampaignCarriesCRMFlipsAndLeavesCampaignFlipsAlone(crm: CRMKind) async throws {
            let stack = try await OptOutRoles.stack(crm, mode: "crm-to-campaign")
            let fixture = OptOutFixture(stack: stack)
            let initial = try await fixture.contacts(20)
            let ids = initial.keys.sorted()
            let roles = try await OptOutRoles.start(stack)
            defer { roles.stop() }

            var expectedCampaign = initial
            for id in ids.prefix(10) {
                try await fixture.flipInCRM(id, to: !initial[id]!)
                expectedCampaign[id] = !initial[id]!
            }
            for id in ids.suffix(10) {
                try await fixture.flipInCampaign(id, to: !initial[id]!)
                expectedCampaign[id] = !initial[id]!
            }
            try await roles.waitUntil("the CRM flips in Campaign") { try await fixture.campaignFlags() == expectedCampaign }
            try await waitForReaderPolls(stack, roles: roles)
            var expectedCRM = initial
            for id in ids.prefix(10) { expectedCRM[id] = !initial[id]! }
            #expect(try await fixture.crmFlags() == expectedCRM, "Campaign's flips did not reach the CRM")
            #expect(try await fixture.campaignFlags() == expectedCampaign)
        }

        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func campaignToCRMCarriesCampaignFlipsAndLeavesCRMFlipsAlone(crm: CRMKind) async throws {
            let stack = try await OptOutRoles.stack(crm, mode: "campaign-to-crm")
            let fixture = OptOutFixture(stack: stack)
            let initial = try await fixture.contacts(20)
            let ids = initial.keys.sorted()
            let roles = try await OptOutRoles.start(stack)
            defer { roles.stop() }

            var expectedCRM = initial
            for id in ids.prefix(10) {
                try await fixture.flipInCampaign(id, to: !initial[id]!)
                expectedCRM[id] = !initial[id]!
            }
            for id in ids.suffix(10) {
                try await fixture.flipInCRM(id, to: !initial[id]!)
                expectedCRM[id] = !initial[id]!
            }
            try await roles.waitUntil("the Campaign flips in the CRM") { try await fixture.crmFlags() == expectedCRM }
            try await roles.waitUntil("the writer to commit everything") { try await roles.writerLag() == 0 }
            // The CRM reader idles: nothing is read from the CRM however long we wait for
            // the Campaign reader to poll again.
            let versions = try await fixture.campaignRowVersions()
            try await fixture.flipInCampaign(ids[0], to: initial[ids[0]]!)
            expectedCRM[ids[0]] = initial[ids[0]]!
            try await roles.waitUntil("a later Campaign flip in the CRM") { try await fixture.crmFlags() == expectedCRM }
            var expectedCampaign = initial
            for id in ids.prefix(10) { expectedCampaign[id] = !initial[id]! }
            expectedCampaign[ids[0]] = initial[ids[0]]!
            #expect(try await fixture.campaignFlags() == expectedCampaign, "the CRM's flips did not reach Campaign")
            let after = try await fixture.campaignRowVersions()
            #expect(ids.dropFirst().allSatisfy { versions[$0] == after[$0] }, "no profile but the flipped one was written")
        }

        /// Waits until the CRM reader has read five more seconds of windows than now.
        func waitForReaderPolls(_ stack: TestStack, roles: OptOutRoles) async throws {
            let name = LastImportOption.name(instance: "test", workflow: .optInOut, entity: "contact")
            let now = Date()
            try await roles.waitUntil("the CRM reader to read five more seconds") {
                guard let text = try await stack.option(name), case .success(let date) = LastImportOption.parse(text) else { return false }
                return date.timeIntervalSince(now) >= 5
            }
            try await roles.waitUntil("the writer to commit everything") { try await roles.writerLag() == 0 }
        }
    }
}
