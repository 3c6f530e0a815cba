import Config
import Foundation
import TestSupport
import Testing
import WorkflowRuntime

extension OptOutEndToEnd {
    /// Roles SIGKILLed in the middle of the flips, then started again: the end state is
    /// still the one the conflict rule gives, on both sides.
    @Suite struct CrashTests {
        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func rolesKilledMidRunStillLeaveTheExpectedState(crm: CRMKind) async throws {
            let stack = try await OptOutRoles.stack(crm, mode: "bidirectional")
            let fixture = OptOutFixture(stack: stack)
            let initial = try await fixture.contacts(30)
            let ids = initial.keys.sorted()
            let roles = try await OptOutRoles.start(stack)
            defer { roles.stop() }

            let flips = try await BidirectionalTests.randomFlips(160, ids: ids, fixture: fixture, seed: crm == .dynamics ? 7 : 8) {
                for process in roles.processes { process.kill() }
                for role in WorkflowName.optInOut.roles { try roles.add(role) }
            }
            try await BidirectionalTests.expectAgreement(
                ids: ids, initial: initial, crm: flips.crm, campaign: flips.campaign, fixture: fixture, roles: roles)
            #expect(try await stack.count("SELECT count(*) FROM crmbridge.rejects WHERE workflow = 'opt-in-out'") == 0)
        }
    }
}
