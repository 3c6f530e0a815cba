@testable import ControlService
import Config
import Foundation
import TestSupport
import Testing
import WorkflowRuntime

@Suite("Control API: auth, listing, errors")
struct ControlAPITests {
    @Test func everyAPICallWithoutTheTokenIsRefusedWith401() async throws {
        try await ControlHarness.with { harness in
            for path in ["/api/workflows", "/api/workflows/crm-to-campaign", "/api/options", "/api/rejects", "/api/nothing"] {
                let missing = try await harness.call("GET", path, token: .none)
                #expect(missing.status == 401, "\(path)")
                #expect((missing.object["error"] as? String)?.contains("API token") == true)
                #expect(missing.headers["WWW-Authenticate"]?.hasPrefix("Bearer") == true)
                let wrong = try await harness.call("GET", path, token: "not-the-token")
                #expect(wrong.status == 401, "\(path)")
                #expect(!wrong.text.contains(harness.token))
            }
            let start = try await harness.call("POST", "/api/workflows/crm-to-campaign/start", token: .none)
            #expect(start.status == 401)
            #expect(try await harness.workflow(.crmToCampaign)["status"] as? String == "STOPPED")
        }
    }

    @Test func thePageHealthAndMetricsNeedNoToken() async throws {
        try await ControlHarness.with { harness in
            let health = try await harness.call("GET", "/healthz", token: .none)
            #expect(health.status == 200)
            #expect(health.object["status"] as? String == "ok")
            let page = try await harness.call("GET", "/", token: .none)
            #expect(page.status == 200)
            #expect(page.headers["Content-Type"]?.hasPrefix("text/html") == true)
            let metrics = try await harness.call("GET", "/metrics", token: .none)
            #expect(metrics.status == 200)
            #expect(metrics.headers["Content-Type"]?.hasPrefix("text/plain") == true)
        }
    }

    @Test func theListHasTheThreeWorkflowsWithTheSpecFields() async throws {
        try await ControlHarness.with { harness in
            let answer = try await harness.call("GET", "/api/workflows")
            #expect(answer.status == 200)
            let items = answer.array
            #expect(items.map { $0["name"] as? String } == ["crm-to-campaign", "campaign-to-crm", "opt-in-out"])
            for item in items {
                #expect(item["status"] as? String == "STOPPED")
                #expect(item["backlog"] is Int)
                #expect(item["editedVersion"] as? Int == 1)
                #expect(item["pendingChanges"] as? Bool == false)
                #expect(item["runningVersion"] is NSNull, "runningVersion is present and null before the first start")
                #expect(item["lastError"] is NSNull, "lastError is present and null")
            }
            let one = try await harness.workflow(.optInOut)
            #expect(one["name"] as? String == "opt-in-out")
        }
    }

    @Test func everyWorkflowHasItsRolesBuiltSoStartIsAccepted() async throws {
        #expect(WorkflowName.allCases.allSatisfy { $0.notBuiltReason == nil })
        try await ControlHarness.with { harness in
            let start = try await harness.call("POST", "/api/workflows/opt-in-out/start")
            #expect(start.status == 202, "\(start.text)")
            let after = try await harness.call("GET", "/api/workflows/opt-in-out")
            #expect(after.object["status"] as? String == "STARTING", "started, waiting for its three roles")
        }
    }

    @Test func unknownWorkflowsAndEndpointsAnswer404InJSON() async throws {
        try await ControlHarness.with { harness in
            let unknown = try await harness.call("GET", "/api/workflows/crm2campaign")
            #expect(unknown.status == 404)
            #expect(unknown.object["error"] as? String
                == "unknown workflow \"crm2campaign\" (expected one of: crm-to-campaign, campaign-to-crm, opt-in-out)")
            let start = try await harness.call("POST", "/api/workflows/nope/start")
            #expect(start.status == 404)
            let endpoint = try await harness.call("GET", "/api/nothing-here")
            #expect(endpoint.status == 404)
            #expect((endpoint.object["error"] as? String)?.contains("no such endpoint") == true)
        }
    }

    @Test func theConfigOfEachWorkflowIsItsSectionAsVersion1() async throws {
        try await ControlHarness.with { harness in
            let answer = try await harness.call("GET", "/api/workflows/crm-to-campaign/config")
            #expect(answer.status == 200)
            #expect(answer.object["version"] as? Int == 1)
            #expect(answer.object["config"] as? String == ControlFixtures.crmToCampaign(entities: ["contact"]))
            let yaml = try await harness.call("GET", "/api/workflows/crm-to-campaign/config?format=yaml")
            #expect(yaml.text == ControlFixtures.crmToCampaign(entities: ["contact"]))
            let missing = try await harness.call("GET", "/api/workflows/crm-to-campaign/config?version=7")
            #expect(missing.status == 404)
        }
    }
}
