import Config
import Foundation
import TestSupport
import Testing

extension IngressEndToEnd {
    /// A broker outage that librdkafka only logs shows on `/healthz`: while every broker is
    /// down, `kafka` is not ready with the reason, and it is ready again once they are back.
    @Suite struct KafkaOutageHealthTests {
        @Test func healthzNamesKafkaWhileEveryBrokerIsDownAndRecovers() async throws {
            let contact = TestEntity.contact(.dynamics)
            let stack = try await TestStack.start(crm: .dynamics, workflowsYAML: TestEntity.workflow([contact]))
            try await stack.seed(contact.remoteObject, count: 50)
            let expected = try await CampaignComparison.crmRecords(stack, contact).count

            try await stack.startWorkflow(.crmToCampaign)
            let roles = IngressRoles(stack: stack)
            defer { roles.stop() }
            let (readerPort, writerPort) = (try TestPostgres.freePort(), try TestPostgres.freePort())
            try roles.addReader(arguments: ["--metrics-port", "\(readerPort)", "--metrics-host", "127.0.0.1"])
            try roles.addWriter(arguments: ["--metrics-port", "\(writerPort)", "--metrics-host", "127.0.0.1"])
            let endpoints = [
                ("reader", RoleEndpointClient(port: readerPort, http: stack.http)),
                ("writer", RoleEndpointClient(port: writerPort, http: stack.http)),
            ]
            try await roles.waitForRows(contact, expected)
            for (name, endpoint) in endpoints {
                try await roles.waitUntil("the \(name)'s /healthz to answer 200") {
                    try await endpoint.healthz().status == 200
                }
            }

            // The only broker goes down: each role's Kafka clients see every broker down.
            try stack.kafka.setBrokerDown(1)
            for (name, endpoint) in endpoints {
                var last: RoleEndpointClient.Answer?
                try await roles.waitUntil("the \(name)'s /healthz to answer 503 naming Kafka (last: \(last?.text ?? "-"))", timeout: .seconds(150)) {
                    last = try await endpoint.healthz()
                    return last?.status == 503 && last?.notReady["kafka"]?.contains("brokers are down") == true
                }
                // Only Kafka: the database and the work are fine.
                #expect(last?.ready.contains("database") == true, "\(name): \(last?.text ?? "")")
                #expect(last?.notReady["work"] == nil, "\(name): \(last?.text ?? "")")
            }

            // It is back: so are the roles, and they go on syncing.
            try stack.kafka.setBrokerUp(1)
            for (name, endpoint) in endpoints {
                try await roles.waitUntil("the \(name)'s /healthz to answer 200 again", timeout: .seconds(120)) {
                    try await endpoint.healthz().status == 200
                }
            }
            _ = try await stack.crmAPI.create("contacts", TestRecords.contact(.dynamics, first: "After", last: "The Outage", email: nil))
            try await roles.waitForRows(contact, expected + 1, timeout: .seconds(120))
        }
    }
}
