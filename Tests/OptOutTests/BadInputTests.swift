import Config
import Foundation
import TestSupport
import Testing
import WorkflowRuntime

extension OptOutEndToEnd {
    /// A contact unknown on the other side and a Campaign change without its time each
    /// become one reject with a clear code; the other flips arrive and the workflow stays
    /// RUNNING.
    @Suite struct BadInputTests {
        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func unknownContactsAndMissingTimesAreRejectedAndTheRestArrives(crm: CRMKind) async throws {
            let stack = try await OptOutRoles.stack(crm, mode: "bidirectional")
            let fixture = OptOutFixture(stack: stack)
            let initial = try await fixture.contacts(10)
            let ids = initial.keys.sorted()
            // A profile whose contact the CRM does not have, and a contact without a profile.
            let missingContact = crm == .dynamics ? "0b9e3f4c-1d2e-4f60-8a7b-9c0d1e2f3a4b" : "003000000000999AAA"
            try await stack.execute("INSERT INTO profiles (crm_id, blocklisted) VALUES ('\(missingContact)', false)")
            let orphan = ids[9]
            try await stack.execute("DELETE FROM profiles WHERE crm_id = '\(orphan)'")
            let roles = try await OptOutRoles.start(stack)
            defer { roles.stop() }

            try await fixture.flipInCampaign(missingContact, to: true)
            try await fixture.flipInCRM(orphan, to: !initial[orphan]!)
            try await stack.execute("UPDATE profiles SET blocklisted = NOT blocklisted, blocklisted_at = NULL WHERE crm_id = '\(ids[0])'")
            try await fixture.flipInCampaign(ids[1], to: !initial[ids[1]]!)
            try await fixture.flipInCRM(ids[2], to: !initial[ids[2]]!)

            try await roles.waitUntil("three rejects") {
                try await stack.count("SELECT count(*) FROM crmbridge.rejects WHERE workflow = 'opt-in-out'") >= 3
            }
            try await roles.waitUntil("the good flips on the other side") {
                let crmFlags = try await fixture.crmFlags()
                let campaignFlags = try await fixture.campaignFlags()
                return crmFlags[ids[1]] == !initial[ids[1]]! && campaignFlags[ids[2]] == !initial[ids[2]]!
            }
            try await roles.waitUntil("the writer to commit everything") { try await roles.writerLag() == 0 }
            let rows = try await stack.query(
                "SELECT record_id, error_symbol, error_message FROM crmbridge.rejects WHERE workflow = 'opt-in-out'")
            var rejects: [String: (symbol: String, message: String)] = [:]
            for row in 0..<rows.rowCount {
                rejects[try rows.string(row, "record_id") ?? ""] = (try rows.string(row, "error_symbol") ?? "", try rows.string(row, "error_message") ?? "")
            }
            #expect(rows.rowCount == 3, "\(rejects)")
            #expect(rejects[missingContact]?.symbol == "unknown-contact", "\(rejects)")
            #expect(rejects[orphan]?.symbol == "unknown-profile", "\(rejects)")
            #expect(rejects[ids[0]]?.symbol == "missing-blocklisted-at", "\(rejects)")
            #expect(rejects.values.allSatisfy { !$0.message.isEmpty })
            #expect(try await fixture.crmFlags()[ids[0]] == initial[ids[0]], "a change without its time is not applied")
            #expect(try await stack.messages(Topics.rejects(.optInOut)).count == 3)
            #expect(try await stack.status(.optInOut, roles: WorkflowName.optInOut.roles)?.status == .running)
        }
    }
}
