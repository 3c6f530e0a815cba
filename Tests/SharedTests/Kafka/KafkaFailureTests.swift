import CoreValues
import Foundation
import KafkaBridge
import TestSupport
import Testing

@Suite("Kafka failures give clear errors, never hangs")
struct KafkaFailureTests {
    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    @Test func sendingToAnUnreachableBrokerFailsWithinTheMessageTimeout() async throws {
        var configuration = KafkaConfiguration(bootstrapServers: "127.0.0.1:1")
        configuration.messageTimeout = .seconds(2)
        let producer = try KafkaProducer(configuration: configuration, logger: TestKafka.logger)
        let start = ContinuousClock.now
        let error = await #expect(throws: KafkaError.self) {
            try await producer.send(KafkaRecord(topic: "nowhere", key: "k", value: Data("v".utf8)))
        }
        let batchError = await #expect(throws: KafkaError.self) {
            try await producer.send([
                KafkaRecord(topic: "nowhere", key: "a", value: Data("1".utf8)),
                KafkaRecord(topic: "nowhere", key: "b", value: Data("2".utf8)),
            ])
        }
        let elapsed = seconds(ContinuousClock.now - start)
        await producer.close(timeout: .seconds(1))
        #expect(error?.code == .messageTimedOut)
        #expect(error?.isRetriable == true)
        #expect(batchError?.code == .messageTimedOut)
        #expect(batchError?.message.contains("2 of 2 records") == true)
        #expect(elapsed < 12, "bounded by message.timeout.ms, took \(elapsed) s")
    }

    @Test func sendingToAMissingTopicFailsWithinTheMessageTimeout() async throws {
        let topic = TestKafka.uniqueName("missing")
        try TestKafka.cluster().setTopicError(topic, .unknownTopicOrPartition)
        var configuration = try TestKafka.configuration()
        configuration.messageTimeout = .seconds(3)
        let producer = try KafkaProducer(configuration: configuration, logger: TestKafka.logger)
        let start = ContinuousClock.now
        let error = await #expect(throws: KafkaError.self) {
            try await producer.send(KafkaRecord(topic: topic, key: "k", value: Data("v".utf8)))
        }
        let elapsed = seconds(ContinuousClock.now - start)
        await producer.close(timeout: .seconds(1))
        let expected: Set<KafkaError.Code> = [.messageTimedOut, .unknownTopic, .unknownTopicOrPartition]
        #expect(error.map { expected.contains($0.code) } == true, "got \(String(describing: error))")
        #expect(elapsed < 13, "bounded by message.timeout.ms, took \(elapsed) s")
    }

    @Test func invalidConfigurationIsRejectedWithTheNameOfTheProperty() throws {
        var configuration = KafkaConfiguration(bootstrapServers: "127.0.0.1:9092")
        configuration.additional["queue.buffering.max.messages"] = "not-a-number"
        let error = #expect(throws: KafkaError.self) {
            try KafkaProducer(configuration: configuration, logger: TestKafka.logger)
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.description.contains("queue.buffering.max.messages") == true)

        var secret = KafkaConfiguration(bootstrapServers: "127.0.0.1:9092")
        secret.additional["no.such.secret"] = "hunter2"
        let secretError = #expect(throws: KafkaError.self) {
            try KafkaConsumer(configuration: secret, groupID: "g", logger: TestKafka.logger)
        }
        #expect(secretError?.description.contains("no.such.secret") == true)
        #expect(secretError?.description.contains("hunter2") == false)

        // librdkafka quotes a rejected value ("Invalid value "…" for configuration
        // property …"): never a secret one.
        var badSecret = KafkaConfiguration(bootstrapServers: "127.0.0.1:9092")
        badSecret.secretProperties["socket.timeout.ms"] = Secret("hunter2")
        let badSecretError = #expect(throws: KafkaError.self) {
            try KafkaProducer(configuration: badSecret, logger: TestKafka.logger)
        }
        #expect(badSecretError?.description.contains("socket.timeout.ms") == true)
        #expect(badSecretError?.description.contains("hunter2") == false)

        #expect(throws: KafkaError.self) {
            try KafkaConsumer(configuration: configuration, groupID: "", logger: TestKafka.logger)
        }
    }

    @Test func aClosedProducerAndAClosedConsumerRefuseWork() async throws {
        let configuration = try TestKafka.configuration()
        let producer = try KafkaProducer(configuration: configuration, logger: TestKafka.logger)
        await producer.close()
        await producer.close()
        await #expect(throws: KafkaError.self) {
            try await producer.send(KafkaRecord(topic: "t", key: "k", value: Data()))
        }
        let consumer = try KafkaConsumer(configuration: configuration, groupID: TestKafka.uniqueName("closed"), logger: TestKafka.logger)
        await consumer.close()
        let error = await #expect(throws: KafkaError.self) { try await consumer.poll() }
        #expect(error?.code == .destroyed)
        await #expect(throws: KafkaError.self) { try await consumer.subscribe(topics: []) }
    }
}
