@testable import ControlService
import Foundation
import TestSupport
import Testing

/// Status transitions driven by heartbeats written through `HeartbeatStore`, as a role
/// process writes them; Edit, Start and Stop with their rules.
@Suite("Workflow lifecycle: status, Start/Stop, edits")
struct WorkflowLifecycleTests {
    @Test func stoppedThenStartingThenRunningThenStopped() async throws {
        try await ControlHarness.with { harness in
            #expect(try await harness.workflow(.crmToCampaign)["status"] as? String == "STOPPED")

            let start = try await harness.call("POST", "/api/workflows/crm-to-campaign/start")
            #expect(start.status == 202)
            #expect(start.object["status"] as? String == "STARTING")
            #expect(start.object["runningVersion"] as? Int == 1)
            #expect(start.object["statusReason"] as? String == "waiting for reader, writer")

            try await harness.beat(.crmToCampaign, "reader", .running, version: 1)
            let half = try await harness.workflow(.crmToCampaign)
            #expect(half["status"] as? String == "STARTING")
            #expect(half["statusReason"] as? String == "waiting for writer")

            try await harness.beat(.crmToCampaign, "writer", .starting, version: 1)
            #expect(try await harness.workflow(.crmToCampaign)["status"] as? String == "STARTING")
            try await harness.beat(.crmToCampaign, "writer", .running, version: 1)
            let running = try await harness.workflow(.crmToCampaign)
            #expect(running["status"] as? String == "RUNNING")
            #expect(running["lastError"] is NSNull)
            #expect((running["roles"] as? [Any])?.count == 2)

            let stop = try await harness.call("POST", "/api/workflows/crm-to-campaign/stop")
            #expect(stop.status == 200)
            #expect(stop.object["status"] as? String == "STOPPED")
            #expect(stop.object["warning"] == nil, "no edits pending, no warning")
        }
    }

    @Test func failedWithTheRoleAndItsReasonThenRunningAgainAfterStart() async throws {
        try await ControlHarness.with { harness in
            _ = try await harness.call("POST", "/api/workflows/crm-to-campaign/start")
            try await harness.beat(.crmToCampaign, "reader", .running, version: 1)
            try await harness.beat(.crmToCampaign, "writer", .failed, version: 1, error: "column profiles.email is missing in Campaign")
            let failed = try await harness.workflow(.crmToCampaign)
            #expect(failed["status"] as? String == "FAILED")
            #expect(failed["lastError"] as? String == "writer: column profiles.email is missing in Campaign")

            // Start after the fix: the old failure no longer counts; the roles start again.
            let restart = try await harness.call("POST", "/api/workflows/crm-to-campaign/start")
            #expect(restart.status == 202)
            #expect(restart.object["status"] as? String == "STARTING")
            try await harness.beat(.crmToCampaign, "writer", .running, version: 1)
            try await harness.beat(.crmToCampaign, "reader", .running, version: 1)
            #expect(try await harness.workflow(.crmToCampaign)["status"] as? String == "RUNNING")
        }
    }

    @Test func aRoleWhoseHeartbeatStopsShowsAsNotRunningWithinSeconds() async throws {
        try await ControlHarness.with(staleAfter: .seconds(1)) { harness in
            _ = try await harness.call("POST", "/api/workflows/crm-to-campaign/start")
            try await harness.beat(.crmToCampaign, "reader", .running, version: 1)
            try await harness.beat(.crmToCampaign, "writer", .running, version: 1)
            #expect(try await harness.workflow(.crmToCampaign)["status"] as? String == "RUNNING")
            let failed = try await harness.waitFor(.crmToCampaign, "FAILED after the heartbeat stops", timeout: .seconds(10)) {
                $0["status"] as? String == "FAILED"
            }
            #expect((failed["lastError"] as? String)?.contains("not running (no heartbeat for") == true)
        }
    }

    @Test func startingARunningWorkflowChangesNothing() async throws {
        try await ControlHarness.with { harness in
            _ = try await harness.call("POST", "/api/workflows/crm-to-campaign/start")
            try await harness.beat(.crmToCampaign, "reader", .running, version: 1)
            try await harness.beat(.crmToCampaign, "writer", .running, version: 1)
            let edited = ControlFixtures.crmToCampaign(entities: ["contact", "membership"])
            let saved = try await harness.call("PUT", "/api/workflows/crm-to-campaign/config", json: ["config": edited])
            #expect(saved.status == 200)
            let again = try await harness.call("POST", "/api/workflows/crm-to-campaign/start")
            #expect(again.status == 202)
            #expect(again.object["runningVersion"] as? Int == 1, "a second Start does not apply edits under running roles")
            #expect((again.object["message"] as? String)?.contains("already RUNNING") == true)
        }
    }

    @Test func anEditAppliesOnlyAfterStopThenStartAndStopWarnsMeanwhile() async throws {
        try await ControlHarness.with { harness in
            _ = try await harness.call("POST", "/api/workflows/crm-to-campaign/start")
            try await harness.beat(.crmToCampaign, "reader", .running, version: 1)
            try await harness.beat(.crmToCampaign, "writer", .running, version: 1)

            let edited = ControlFixtures.crmToCampaign(entities: ["contact", "membership"])
            let save = try await harness.call("PUT", "/api/workflows/crm-to-campaign/config", json: ["config": edited])
            #expect(save.status == 200)
            #expect(save.object["version"] as? Int == 2)
            #expect(save.object["changed"] as? Bool == true)
            let afterEdit = try await harness.workflow(.crmToCampaign)
            #expect(afterEdit["runningVersion"] as? Int == 1)
            #expect(afterEdit["editedVersion"] as? Int == 2)
            #expect(afterEdit["pendingChanges"] as? Bool == true)
            #expect(afterEdit["status"] as? String == "RUNNING", "running roles keep their version")

            let same = try await harness.call("PUT", "/api/workflows/crm-to-campaign/config", body: edited)
            #expect(same.object["changed"] as? Bool == false)
            #expect(same.object["version"] as? Int == 2)

            let stop = try await harness.call("POST", "/api/workflows/crm-to-campaign/stop")
            #expect(stop.status == 200)
            let warning = try #require(stop.object["warning"] as? String)
            #expect(warning.contains("version 2"))
            #expect(try await harness.workflow(.crmToCampaign)["runningVersion"] as? Int == 1)

            let start = try await harness.call("POST", "/api/workflows/crm-to-campaign/start")
            #expect(start.object["runningVersion"] as? Int == 2)
            #expect(start.object["pendingChanges"] as? Bool == false)
            // Roles still on version 1 do not make it RUNNING.
            try await harness.beat(.crmToCampaign, "reader", .running, version: 1)
            try await harness.beat(.crmToCampaign, "writer", .running, version: 1)
            #expect(try await harness.workflow(.crmToCampaign)["status"] as? String == "STARTING")
            try await harness.beat(.crmToCampaign, "reader", .running, version: 2)
            try await harness.beat(.crmToCampaign, "writer", .running, version: 2)
            #expect(try await harness.workflow(.crmToCampaign)["status"] as? String == "RUNNING")

            let stopAgain = try await harness.call("POST", "/api/workflows/crm-to-campaign/stop")
            #expect(stopAgain.object["warning"] == nil, "no warning once the edits are applied")
        }
    }

    @Test func aBadConfigIsRefusedWithEveryProblemAndNothingIsStored() async throws {
        try await ControlHarness.with { harness in
            let answer = try await harness.call(
                "PUT", "/api/workflows/crm-to-campaign/config", body: ControlFixtures.invalidCRMToCampaign)
            #expect(answer.status == 400)
            #expect((answer.object["error"] as? String)?.contains("nothing was saved") == true)
            let problems = try #require(answer.object["problems"] as? [[String: Any]])
            #expect(problems.count >= 3, "every problem, not only the first: \(problems)")
            let paths = problems.compactMap { $0["path"] as? String }
            #expect(paths.contains { $0.contains("entities[0].colour") })
            #expect(paths.contains { $0.contains("entities[0].fields[0].conversion") })
            #expect(paths.contains { $0.contains("entities[0].fields[1]") })
            #expect(problems.allSatisfy { ($0["message"] as? String)?.isEmpty == false })

            let after = try await harness.workflow(.crmToCampaign)
            #expect(after["editedVersion"] as? Int == 1)
            let config = try await harness.call("GET", "/api/workflows/crm-to-campaign/config")
            #expect(config.object["config"] as? String == ControlFixtures.crmToCampaign(entities: ["contact"]))

            let notJSON = try await harness.call("PUT", "/api/workflows/crm-to-campaign/config", body: "{", contentType: "application/json")
            #expect(notJSON.status == 400)
        }
    }
}
