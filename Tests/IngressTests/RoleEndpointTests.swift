import Config
import Foundation
import HTTPBridge
import TestSupport
import Testing
import WorkflowRuntime

extension IngressEndToEnd {
    /// Each role process serves `/healthz` and `/metrics` on its `--metrics-port`: ready
    /// only while connected to what it needs, and the counters of what it really did.
    @Suite struct RoleEndpointTests {
        @Test func healthzFollowsTheDatabaseAndMetricsCountWhatWasSynced() async throws {
            let postgres = try await TestPostgres.makePrivate()
            do {
                try await checkEndpoints(postgres)
            } catch {
                try? await postgres.stop()
                throw error
            }
            try await postgres.stop()
        }

        private func checkEndpoints(_ postgres: TestPostgres) async throws {
            let contact = TestEntity.contact(.dynamics)
            let stack = try await TestStack.start(crm: .dynamics, workflowsYAML: TestEntity.workflow([contact]), postgres: postgres)
            try await stack.seed(contact.remoteObject, count: 300)
            let expected = try await CampaignComparison.crmRecords(stack, contact).count
            #expect(expected >= 250)

            try await stack.startWorkflow(.crmToCampaign)
            let roles = IngressRoles(stack: stack)
            defer { roles.stop() }
            let (readerPort, writerPort) = (try TestPostgres.freePort(), try TestPostgres.freePort())
            try roles.addReader(arguments: ["--metrics-port", "\(readerPort)", "--metrics-host", "127.0.0.1"])
            try roles.addWriter(arguments: ["--metrics-port", "\(writerPort)", "--metrics-host", "127.0.0.1"])
            let reader = RoleEndpointClient(port: readerPort, http: stack.http)
            let writer = RoleEndpointClient(port: writerPort, http: stack.http)

            try await roles.waitForRows(contact, expected)
            for (name, endpoint) in [("reader", reader), ("writer", writer)] {
                try await roles.waitUntil("the \(name)'s /healthz to answer 200") {
                    try await endpoint.get("/healthz").status == 200
                }
                let body = try await endpoint.get("/healthz").json
                #expect(body["status"] as? String == "ready")
                #expect((body["ready"] as? [String])?.contains("database") == true, "\(name): \(body)")
            }
            #expect((try await reader.get("/healthz").json["ready"] as? [String])?.sorted() == ["crm", "database", "kafka"])

            // Every record synced was counted as written, under its entity; each upsert's
            // change latency went into the histogram.
            let labels = #"workflow="crm-to-campaign",role="writer",entity="contact""#
            try await roles.waitUntil("the writer's records-written counter at \(expected)") {
                try await writer.metrics().value("crmbridge_records_written_total{\(labels)}") == Double(expected)
            }
            let metrics = try await writer.metrics()
            let buckets = metrics.lines.filter { $0.hasPrefix("crmbridge_change_latency_seconds_bucket{\(labels)") }
            #expect(buckets.contains { $0.contains(#"le="0.05""#) } && buckets.contains { $0.contains(#"le="60.0""#) || $0.contains(#"le="60""#) },
                    "buckets from 50 ms to 60 s: \(buckets)")
            let observed = try #require(metrics.value("crmbridge_change_latency_seconds_count{\(labels)}"))
            #expect(observed >= Double(expected), "one latency per applied upsert")
            #expect(metrics.value("crmbridge_change_latency_seconds_bucket{\(labels),le=\"+Inf\"}") == observed)
            #expect(metrics.value(#"crmbridge_batches_total{workflow="crm-to-campaign",role="writer"}"#).map { $0 >= 1 } == true)
            let readerMetrics = try await reader.metrics()
            let readerLabels = #"workflow="crm-to-campaign",role="reader",entity="contact""#
            #expect(readerMetrics.value("crmbridge_records_published_total{\(readerLabels)}").map { $0 >= Double(expected) } == true,
                    "the reader published every record: \(readerMetrics.lines.filter { $0.hasPrefix("crmbridge_records") })")
            #expect(readerMetrics.lines.contains { $0.hasPrefix("crmbridge_kafka_produced_messages_total") },
                    "the Kafka bridge's counters are served too")

            // PostgreSQL stops: both roles say they are not ready, naming the database.
            try await postgres.stopServer()
            for (name, endpoint) in [("reader", reader), ("writer", writer)] {
                try await roles.waitUntil("the \(name)'s /healthz to answer 503 naming the database") {
                    let answer = try await endpoint.get("/healthz")
                    return answer.status == 503 && (answer.json["notReady"] as? [String: String])?["database"] != nil
                }
            }
            #expect(try await writer.metrics().value(#"crmbridge_role_ready"#) == 0)

            // It comes back: so do they.
            try await postgres.startServer()
            for (name, endpoint) in [("reader", reader), ("writer", writer)] {
                try await roles.waitUntil("the \(name)'s /healthz to answer 200 again", timeout: .seconds(120)) {
                    try await endpoint.get("/healthz").status == 200
                }
            }
        }
    }
}
