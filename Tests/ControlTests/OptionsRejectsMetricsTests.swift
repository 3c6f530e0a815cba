import Config
@testable import ControlService
import Foundation
import TestSupport
import Testing
import WorkflowRuntime

@Suite("Options, rejects, history, metrics and the page")
struct OptionsRejectsMetricsTests {
    let option = "LASTIMPORT_test_crm-to-campaign_contact"

    @Test func lastImportOptionsAreValidatedThenStoredAndListed() async throws {
        try await ControlHarness.with { harness in
            #expect(try await harness.call("GET", "/api/options").array.isEmpty)

            let badFormat = try await harness.call("PUT", "/api/options/\(option)", json: ["value": "2026-01-02 03:04:05"])
            #expect(badFormat.status == 400)
            #expect((badFormat.object["error"] as? String)?.contains("yyyy/MM/dd HH:mm:ss") == true)
            let badDate = try await harness.call("PUT", "/api/options/\(option)", json: ["value": "2026/02/30 03:04:05"])
            #expect(badDate.status == 400)
            let notLastImport = try await harness.call("PUT", "/api/options/SOMETHING", json: ["value": "2026/01/02 03:04:05"])
            #expect(notLastImport.status == 400)
            let unknownEntity = try await harness.call(
                "PUT", "/api/options/LASTIMPORT_test_crm-to-campaign_nobody", json: ["value": "2026/01/02 03:04:05"])
            #expect(unknownEntity.status == 400)
            #expect((unknownEntity.object["error"] as? String)?.contains(option) == true, "names the expected option")
            let noBody = try await harness.call("PUT", "/api/options/\(option)", body: "", contentType: "application/json")
            #expect(noBody.status == 400)
            #expect(try await harness.call("GET", "/api/options").array.isEmpty, "nothing stored by refused calls")

            let set = try await harness.call("PUT", "/api/options/\(option)", json: ["value": "2026/01/02 03:04:05"])
            #expect(set.status == 200)
            #expect(set.object["warning"] == nil, "no warning while the workflow is stopped")
            let listed = try await harness.call("GET", "/api/options").array
            #expect(listed.count == 1)
            #expect(listed.first?["name"] as? String == option)
            #expect(listed.first?["value"] as? String == "2026/01/02 03:04:05")
            #expect(try await harness.call("GET", "/api/options/\(option)").object["value"] as? String == "2026/01/02 03:04:05")

            _ = try await harness.call("POST", "/api/workflows/crm-to-campaign/start")
            let whileRunning = try await harness.call("PUT", "/api/options/\(option)", json: ["value": "2026/01/03 00:00:00"])
            #expect(whileRunning.status == 200)
            #expect(whileRunning.object["warning"] is String)
        }
    }

    @Test func theLatestRejectsComeWithTheirCodes() async throws {
        try await ControlHarness.with { harness in
            let rejects = RejectStore(database: harness.roleDatabase)
            try await rejects.record([
                .init(workflow: .campaignToCRM, entity: "email-events", recordID: "17", errorSymbol: "DUPLICATE_VALUE",
                      errorMessage: "duplicate value found: CRMB_Event_Id__c"),
                .init(workflow: .crmToCampaign, entity: "contact", recordID: "c-1", errorSymbol: "bad-envelope",
                      errorMessage: "missing modifiedAt", topic: "crmbridge.crm-to-campaign.contact", partition: 2, offset: 41),
            ])
            let all = try await harness.call("GET", "/api/rejects")
            #expect(all.status == 200)
            #expect(all.array.map { $0["code"] as? String } == ["bad-envelope", "DUPLICATE_VALUE"], "newest first")
            let one = try await harness.call("GET", "/api/rejects?workflow=campaign-to-crm&limit=5").array
            #expect(one.count == 1)
            #expect(one.first?["message"] as? String == "duplicate value found: CRMB_Event_Id__c")
            #expect(one.first?["recordId"] as? String == "17")
            #expect(try await harness.call("GET", "/api/rejects?limit=1").array.count == 1)
            #expect(try await harness.call("GET", "/api/rejects?limit=0").status == 400)
            #expect(try await harness.call("GET", "/api/rejects?limit=ten").status == 400)
            #expect(try await harness.call("GET", "/api/rejects?workflow=nope").status == 404)
        }
    }

    @Test func metricsAndHistoryAggregateTheCountersRolesReport() async throws {
        try await ControlHarness.with(sampleInterval: .milliseconds(100)) { harness in
            _ = try await harness.call("POST", "/api/workflows/crm-to-campaign/start")
            func detail(_ written: Int) -> String {
                #"{"recordsRead": \#(written + 5), "recordsWritten": \#(written), "recordsRejected": 2, "errors": 1, "latencySecondsSum": 3.5, "latencyCount": \#(written)}"#
            }
            try await harness.beat(.crmToCampaign, "reader", .running, version: 1, detail: #"{"recordsRead": 500}"#)
            try await harness.beat(.crmToCampaign, "writer", .running, version: 1, detail: detail(100))
            try await harness.beat(.crmToCampaign, "writer", .running, version: 1, instance: "test-2", detail: detail(50))
            try await eventually("written counters in /metrics", timeout: .seconds(20)) {
                let text = try await harness.call("GET", "/metrics", token: .none).text
                return text.contains(#"crmbridge_records_written_total{workflow="crm-to-campaign",role="writer"} 150"#)
            }
            // A later beat adds only the increase.
            try await harness.beat(.crmToCampaign, "writer", .running, version: 1, detail: detail(130))
            try await eventually("the increase in /metrics", timeout: .seconds(20)) {
                let text = try await harness.call("GET", "/metrics", token: .none).text
                return text.contains(#"crmbridge_records_written_total{workflow="crm-to-campaign",role="writer"} 180"#)
            }
            // Fresh heartbeats (same counters, so nothing is added): on a loaded machine the
            // first ones may be older than the 5 s after which a role counts as not running.
            try await harness.beat(.crmToCampaign, "reader", .running, version: 1, detail: #"{"recordsRead": 500}"#)
            try await harness.beat(.crmToCampaign, "writer", .running, version: 1, detail: detail(130))
            try await harness.beat(.crmToCampaign, "writer", .running, version: 1, instance: "test-2", detail: detail(50))
            let metrics = try await harness.call("GET", "/metrics", token: .none).text
            #expect(metrics.contains(#"crmbridge_records_read_total{workflow="crm-to-campaign",role="reader"} 500"# + "\n"), "whole numbers")
            #expect(metrics.contains(#"crmbridge_records_rejected_total{workflow="crm-to-campaign",role="writer"} 4"#))
            #expect(metrics.contains(#"crmbridge_errors_total{workflow="crm-to-campaign",role="writer"} 2"#))
            #expect(metrics.contains(#"crmbridge_latency_seconds_count{workflow="crm-to-campaign",role="writer"} 180"#))
            // 3.5 from each writer instance, once (a sum of seconds may print as 7 or 7.0).
            let latencySum = #"crmbridge_latency_seconds_sum{workflow="crm-to-campaign",role="writer"} "#
            #expect(metrics.contains(latencySum + "7\n") || metrics.contains(latencySum + "7.0\n"), "3.5 from each writer instance, once")
            #expect(metrics.contains(#"crmbridge_workflow_backlog{workflow="opt-in-out"} 0"#))
            #expect(metrics.contains(#"crmbridge_workflow_status{workflow="crm-to-campaign",status="RUNNING"} 1"#))
            #expect(metrics.contains("# TYPE crmbridge_records_written_total counter"))

            let history = try await harness.call("GET", "/api/workflows/crm-to-campaign/history")
            #expect(history.status == 200)
            let points = try #require(history.object["points"] as? [[String: Any]])
            #expect(points.count >= 2)
            #expect(points.allSatisfy { $0["backlog"] is Int && $0["writtenPerSecond"] is Double && $0["time"] is String })
            #expect(points.contains { ($0["writtenPerSecond"] as? Double ?? 0) > 0 }, "the 30 records written show as a rate")
        }
    }

    @Test func thePageShowsTheThreeWorkflowsWithStatusAndBacklogWithoutAToken() async throws {
        try await ControlHarness.with { harness in
            _ = try await harness.call("POST", "/api/workflows/crm-to-campaign/start")
            let page = try await harness.call("GET", "/", token: .none)
            #expect(page.status == 200)
            for name in WorkflowName.allCases {
                #expect(page.text.contains("data-workflow=\"\(name.rawValue)\""))
            }
            #expect(page.text.contains(">STARTING<"))
            #expect(page.text.contains(">STOPPED<"))
            #expect(page.text.contains("class=\"num backlog\" data-field=\"backlog\">0<"))
            #expect(!page.text.contains(harness.token))
            #expect(!page.text.contains("http://") && !page.text.contains("https://"), "no external CDN")
            let script = try await harness.call("GET", "/assets/app.js", token: .none)
            #expect(script.status == 200)
            #expect(script.text.contains("/api/workflows"))
            let style = try await harness.call("GET", "/assets/app.css", token: .none)
            #expect(style.status == 200)
        }
    }
}
