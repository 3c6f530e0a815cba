import Config
import Foundation
import KafkaBridge
import Testing
import TestSupport
import WorkflowRuntime

/// The external-Kafka settings docs/deployment.md gives (SASL_SSL with SCRAM, a CA file,
/// the password by variable) pass from crmbridge.yaml through to librdkafka as the
/// project's Debian librdkafka builds it: a client starts with them, and a CA file that
/// is not there stops it with an error naming the property.
@Suite struct ExternalKafkaSettingsTests {
    static let environment = [
        "CAMPAIGN_DATABASE_URL": "postgresql://crmbridge@db.example/campaign", "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1",
        "DYNAMICS_URL": "http://127.0.0.1:1", "DYNAMICS_TOKEN_URL": "http://127.0.0.1:1/token",
        "DYNAMICS_CLIENT_ID": "id", "DYNAMICS_CLIENT_SECRET": "secret", "KAFKA_SASL_PASSWORD": "sasl-password",
    ]

    /// The `connections:` example of docs/deployment.md's "External Kafka and PostgreSQL".
    static func documentedExample() throws -> String {
        let doc = try RepositoryFiles.text("docs/deployment.md")
        let blocks = doc.components(separatedBy: "```yaml\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        return try #require(blocks.first { $0.contains("security.protocol: SASL_SSL") },
                            "docs/deployment.md has no SASL_SSL example")
    }

    static func configuration(caFile: String) throws -> KafkaConfiguration {
        let example = try documentedExample()
            .replacingOccurrences(of: "/etc/crmbridge-tls/kafka-ca.crt", with: caFile)
            .replacingOccurrences(of: "connections:\n", with: "")
        let yaml = "instance: doc\nconnections:\n  campaign: {}\n  crm: {kind: dynamics}\n" + example
        let config = try CRMBridgeConfig.parse(yaml: yaml, environment: environment)
        return config.connections.kafkaConfiguration(clientID: "external-kafka-test", environment: [:])
    }

    static func makeCA(in directory: String) async throws -> String {
        let path = directory + "/kafka-ca.crt"
        _ = try await ProgramOutput.of("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=crmbridge test CA",
            "-keyout", directory + "/kafka-ca.key", "-out", path,
        ])
        return path
    }

    @Test func theDocumentedSASLAndTLSSettingsReachLibrdkafka() async throws {
        let directory = NSTemporaryDirectory() + "crmbridge-external-kafka-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = try Self.configuration(caFile: try await Self.makeCA(in: directory))
        #expect(configuration.additional["security.protocol"] == "SASL_SSL")
        #expect(configuration.additional["sasl.mechanisms"] == "SCRAM-SHA-512")
        #expect(configuration.secretProperties["sasl.password"]?.reveal() == "sasl-password")
        // librdkafka takes every property and loads the CA when the client is made.
        let producer = try KafkaProducer(configuration: configuration, logger: LogRecorder().logger("kafka"))
        await producer.close(timeout: .seconds(1))
    }

    @Test func aCAFileThatIsNotThereStopsTheClientNamingTheProperty() async throws {
        let configuration = try Self.configuration(caFile: "/nonexistent/crmbridge/kafka-ca.crt")
        do {
            let producer = try KafkaProducer(configuration: configuration, logger: LogRecorder().logger("kafka"))
            await producer.close(timeout: .seconds(1))
            Issue.record("a client started with a CA file that does not exist")
        } catch {
            #expect("\(error)".contains("ssl.ca.location") || "\(error)".contains("kafka-ca.crt"), "\(error)")
            #expect(!"\(error)".contains("sasl-password"))
        }
    }
}
