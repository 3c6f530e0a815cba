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

    /// A one-broker cluster with `topic`, and a producer that has sent once to it (so it
    /// knows the partitions' leader before the broker goes down).
    private func warmProducer(
        topic: String, partitions: Int32, messageTimeout: Duration
    ) async throws -> (KafkaMockCluster, KafkaProducer, KafkaConfiguration) {
        let cluster = try KafkaMockCluster(brokers: 1, logger: TestKafka.logger)
        try cluster.createTopic(topic, partitions: partitions)
        var configuration = KafkaConfiguration.localDefaults(bootstrapServers: cluster.bootstrapServers)
        configuration.messageTimeout = messageTimeout
        let producer = try KafkaProducer(configuration: configuration, logger: TestKafka.logger)
        _ = try await producer.send(KafkaRecord(topic: topic, key: "k", value: Data("warm-up".utf8)))
        return (cluster, producer, configuration)
    }

    /// `enqueue` returns once librdkafka holds the records, not once the broker has them:
    /// with a 5-second round trip to the broker, it returns well before the
    /// acknowledgement, which comes once the broker answered, with every record written.
    @Test func anEnqueueReturnsBeforeTheBrokerAnswersAndItsAcknowledgementFollowsTheBroker() async throws {
        let (cluster, producer, configuration) = try await warmProducer(
            topic: "handoff", partitions: 3, messageTimeout: .seconds(60))
        let records = (0..<500).map { KafkaRecord(topic: "handoff", key: "k\($0)", value: Data("v\($0)".utf8)) }

        try cluster.setRoundTripTime(.seconds(5), broker: 1)
        let start = ContinuousClock.now
        let pending = try await producer.enqueue(records)
        let enqueued = ContinuousClock.now - start
        try await pending.acknowledged()
        let acknowledged = ContinuousClock.now - start
        try cluster.setRoundTripTime(.zero, broker: 1)
        await producer.close()

        #expect(enqueued < .milliseconds(2500), "enqueue waited for the broker: \(enqueued)")
        #expect(acknowledged >= .milliseconds(4500), "acknowledged before the broker answered: \(acknowledged)")
        let admin = try KafkaAdmin(configuration: configuration, logger: TestKafka.logger)
        let total = try await admin.watermarks(topic: "handoff").values.reduce(0) { $0 + $1.high - $1.low }
        #expect(total == 501)
    }

    @Test func anEnqueuedSendTheBrokerNeverTakesFailsItsAcknowledgement() async throws {
        let (cluster, producer, _) = try await warmProducer(topic: "lost", partitions: 1, messageTimeout: .seconds(2))

        try cluster.setBrokerDown(1)
        let pending = try await producer.enqueue(
            (0..<10).map { KafkaRecord(topic: "lost", key: "k", value: Data("v\($0)".utf8)) })
        let error = await #expect(throws: KafkaError.self) { try await pending.acknowledged() }
        #expect(error?.isRetriable == true)
        #expect(error?.message.contains("10 of 10 records were not delivered") == true)
        try cluster.setBrokerUp(1)
        await producer.close()
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
