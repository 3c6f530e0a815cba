import DevBroker
import Foundation
import KafkaBridge
import TestSupport
import Testing

@Suite("Kafka mock cluster fault injection")
struct KafkaMockClusterTests {
    @Test func aProducerRecoversOnceItsBrokerIsBackUp() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: TestKafka.logger)
        #expect(cluster.brokerCount == 1)
        #expect(cluster.bootstrapServers.hasPrefix("127.0.0.1:"))
        try cluster.createTopic("faults", partitions: 1)
        var configuration = KafkaConfiguration.localDefaults(bootstrapServers: cluster.bootstrapServers)
        configuration.messageTimeout = .seconds(2)
        let producer = try KafkaProducer(configuration: configuration, logger: TestKafka.logger)
        let before = try await producer.send(KafkaRecord(topic: "faults", key: "k", value: Data("1".utf8)))

        try cluster.setBrokerDown(1)
        let outage = await #expect(throws: KafkaError.self) {
            try await producer.send(KafkaRecord(topic: "faults", key: "k", value: Data("2".utf8)))
        }
        #expect(outage?.isRetriable == true)

        try cluster.setBrokerUp(1)
        var after: KafkaDeliveryReport?
        try await eventually("a send succeeds after the broker is back") {
            after = try? await producer.send(KafkaRecord(topic: "faults", key: "k", value: Data("3".utf8)))
            return after != nil
        }
        await producer.close()
        #expect((after?.offset ?? 0) > before.offset)
    }

    @Test func roundTripTimeDelaysAcknowledgements() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: TestKafka.logger)
        try cluster.createTopic("slow", partitions: 1)
        let producer = try KafkaProducer(
            configuration: .localDefaults(bootstrapServers: cluster.bootstrapServers), logger: TestKafka.logger)
        _ = try await producer.send(KafkaRecord(topic: "slow", key: "k", value: Data("warm-up".utf8)))
        try cluster.setRoundTripTime(.milliseconds(400), broker: 1)
        let start = ContinuousClock.now
        _ = try await producer.send(KafkaRecord(topic: "slow", key: "k", value: Data("slow".utf8)))
        let elapsed = ContinuousClock.now - start
        try cluster.setRoundTripTime(.zero, broker: 1)
        await producer.close()
        #expect(elapsed >= .milliseconds(350))
    }

    @Test func aMockClusterRefusesAnImpossibleBrokerCount() {
        #expect(throws: KafkaError.self) { try KafkaMockCluster(brokers: 0, logger: TestKafka.logger) }
    }
}
