import Config
import Foundation
import PostgresBridge
import TestSupport
import Testing

extension EgressEndToEnd {
    /// While every broker is down, both campaign-to-crm roles say so on `/healthz`, also the
    /// writer, whose polls keep returning (empty) meanwhile; and both are ready again, and
    /// deliver, once the broker is back.
    @Suite struct KafkaOutageHealthTests {
        @Test func healthzNamesKafkaWhileEveryBrokerIsDownAndRecovers() async throws {
            let stack = try await EgressRoles.stack(.dynamics)
            let contacts = try await EmailEventFixture.contacts(stack, count: 5)
            try await stack.startWorkflow(.campaignToCRM)
            let roles = EgressRoles(stack: stack)
            defer { roles.stop() }
            var endpoints: [(String, RoleEndpointClient)] = []
            for role in ["reader", "writer"] {
                let port = try TestPostgres.freePort()
                try roles.add(role, arguments: ["--metrics-port", "\(port)", "--metrics-host", "127.0.0.1"])
                endpoints.append((role, RoleEndpointClient(port: port, http: stack.http)))
            }
            try await stack.withDatabase { try await EmailEventFixture.insert(1...20, contacts: contacts, on: $0) }
            try await roles.waitUntil("20 email events in the CRM") { try await EmailEventFixture.count(stack) >= 20 }
            for (name, endpoint) in endpoints {
                try await roles.waitUntil("the \(name)'s /healthz to answer 200") { try await endpoint.healthz().status == 200 }
            }

            try stack.kafka.setBrokerDown(1)
            for (name, endpoint) in endpoints {
                var last: RoleEndpointClient.Answer?
                try await roles.waitUntil("the \(name)'s /healthz to answer 503 naming Kafka (last: \(last?.text ?? "-"))", timeout: .seconds(150)) {
                    last = try await endpoint.healthz()
                    return last?.status == 503 && last?.notReady["kafka"]?.contains("brokers are down") == true
                }
                #expect(last?.ready.contains("database") == true, "\(name): \(last?.text ?? "")")
            }
            // The writer marks Kafka connected after every poll, and its polls (every 200 ms)
            // return, empty, during the outage: the outage holds nonetheless.
            let again = try await endpoints[1].1.healthz()
            #expect(again.status == 503 && again.notReady["kafka"] != nil, "\(again.text)")

            try stack.kafka.setBrokerUp(1)
            for (name, endpoint) in endpoints {
                try await roles.waitUntil("the \(name)'s /healthz to answer 200 again", timeout: .seconds(120)) {
                    try await endpoint.healthz().status == 200
                }
            }
            try await stack.withDatabase { try await EmailEventFixture.insert(21...30, contacts: contacts, on: $0) }
            try await roles.waitUntil("30 email events in the CRM", timeout: .seconds(120)) { try await EmailEventFixture.count(stack) >= 30 }
        }
    }
}
