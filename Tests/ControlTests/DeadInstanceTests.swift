import Foundation
import PostgresBridge
import TestSupport
import Testing
import WorkflowRuntime

/// Instances killed in earlier runs leave the workflow's roles list once they have been
/// silent for `forgetInstancesAfter`; what they counted stays in `/metrics`.
@Suite("Dead instances")
struct DeadInstanceTests {
    @Test func anInstanceSilentForLongerThanTheLimitLeavesTheRolesListButItsCountersStayInMetrics() async throws {
        try await ControlHarness.with(sampleInterval: .milliseconds(100), forgetInstancesAfter: .seconds(30)) { harness in
            _ = try await harness.call("POST", "/api/workflows/crm-to-campaign/start")
            try await harness.beat(.crmToCampaign, "reader", .running, version: 1, instance: "killed-long-ago",
                                   detail: #"{"recordsRead": 700}"#)
            try await harness.beat(.crmToCampaign, "reader", .running, version: 1, instance: "live", detail: #"{"recordsRead": 5}"#)
            try await eventually("both instances' counters in /metrics", timeout: .seconds(20)) {
                let text = try await harness.call("GET", "/metrics", token: .none).text
                return text.contains(#"crmbridge_records_read_total{workflow="crm-to-campaign",role="reader"} 705"#)
            }
            let before = try await harness.workflow(.crmToCampaign)
            #expect(instances(before) == ["killed-long-ago", "live"], "both listed while both are recent")

            // The process was killed a minute ago: its row stays, its heartbeat ages.
            _ = try await harness.roleDatabase.execute(
                "UPDATE crmbridge.role_heartbeats SET heartbeat_at = now() - interval '60 seconds' WHERE instance = 'killed-long-ago'")
            try await harness.beat(.crmToCampaign, "reader", .running, version: 1, instance: "live", detail: #"{"recordsRead": 5}"#)
            let after = try await harness.workflow(.crmToCampaign)
            #expect(instances(after) == ["live"])

            let metrics = try await harness.call("GET", "/metrics", token: .none).text
            #expect(metrics.contains(#"crmbridge_records_read_total{workflow="crm-to-campaign",role="reader"} 705"#),
                    "what the dead instance counted is still counted")
        }
    }

    @Test func anInstanceSilentForLessThanTheLimitStaysListed() async throws {
        try await ControlHarness.with(forgetInstancesAfter: .seconds(300)) { harness in
            _ = try await harness.call("POST", "/api/workflows/crm-to-campaign/start")
            try await harness.beat(.crmToCampaign, "writer", .running, version: 1, instance: "stopped-a-minute-ago")
            _ = try await harness.roleDatabase.execute(
                "UPDATE crmbridge.role_heartbeats SET heartbeat_at = now() - interval '60 seconds' WHERE instance = 'stopped-a-minute-ago'")
            let item = try await harness.workflow(.crmToCampaign)
            #expect(instances(item) == ["stopped-a-minute-ago"])
        }
    }

    private func instances(_ item: [String: any Sendable]) -> [String] {
        ((item["roles"] as? [[String: Any]]) ?? []).compactMap { $0["instance"] as? String }.sorted()
    }
}
