import CoreValues
@testable import KafkaBridge
import Testing

@Suite("Kafka configuration rendering")
struct KafkaConfigurationTests {
    @Test func theProducerIsIdempotentWithAcksAllWhateverAdditionalSays() {
        var configuration = KafkaConfiguration(bootstrapServers: "b:9092", messageTimeout: .seconds(7))
        configuration.additional = ["enable.idempotence": "false", "acks": "1", "linger.ms": "5"]
        let properties = configuration.librdkafkaProperties(for: .producer)
        #expect(properties["enable.idempotence"] == "true")
        #expect(properties["acks"] == "all")
        #expect(properties["message.timeout.ms"] == "7000")
        #expect(properties["linger.ms"] == "5")
        #expect(properties["bootstrap.servers"] == "b:9092")
        #expect(properties["client.id"] == "crmbridge")
    }

    @Test func groupConsumersCommitOnlyByHandAndStartAtTheEarliestOffset() {
        var configuration = KafkaConfiguration(bootstrapServers: "b:9092")
        configuration.additional = ["enable.auto.commit": "true", "auto.offset.reset": "latest"]
        let properties = configuration.librdkafkaProperties(for: .groupConsumer(groupID: "crmbridge.x.writer"))
        #expect(properties["group.id"] == "crmbridge.x.writer")
        #expect(properties["enable.auto.commit"] == "false")
        #expect(properties["enable.auto.offset.store"] == "false")
        #expect(properties["auto.offset.reset"] == "earliest")
        #expect(properties["session.timeout.ms"] == "45000")
        #expect(properties["heartbeat.interval.ms"] == "3000")
    }

    /// The value a group consumer of `configuration` gets for the librdkafka `key`.
    private func consumerProperty(_ key: String, of configuration: KafkaConfiguration) -> KafkaPropertyValue? {
        configuration.librdkafkaProperties(for: .groupConsumer(groupID: "g"))[key]
    }

    @Test func groupConsumersPrefetchAtMost16MiBUnlessAdditionalSaysOtherwise() {
        var configuration = KafkaConfiguration(bootstrapServers: "b:9092")
        #expect(consumerProperty("queued.max.messages.kbytes", of: configuration) == "32768")
        configuration.consumerPrefetchBytes = 4 * 1024 * 1024
        #expect(consumerProperty("queued.max.messages.kbytes", of: configuration) == "4096")
        configuration.additional = ["queued.max.messages.kbytes": "65536"]
        #expect(consumerProperty("queued.max.messages.kbytes", of: configuration) == "65536")
    }

    @Test func oneFetchCarriesAQuarterOfThePrefetchAtMostUnlessAdditionalSaysOtherwise() {
        var configuration = KafkaConfiguration(bootstrapServers: "b:9092")
        #expect(consumerProperty("fetch.max.bytes", of: configuration) == "8388608")
        configuration.consumerPrefetchBytes = 16 * 1024 * 1024
        #expect(consumerProperty("fetch.max.bytes", of: configuration) == "4194304")
        // Never below message.max.bytes, which librdkafka would refuse.
        configuration.consumerPrefetchBytes = 1024 * 1024
        #expect(consumerProperty("fetch.max.bytes", of: configuration) == "1000000")
        configuration.additional = ["message.max.bytes": "2000000"]
        #expect(consumerProperty("fetch.max.bytes", of: configuration) == "2000000")
        configuration.additional = ["fetch.max.bytes": "52428800"]
        #expect(consumerProperty("fetch.max.bytes", of: configuration) == "52428800")
    }

    @Test func localDefaultsShortenGroupTimeoutsForTheMockBroker() {
        let properties = KafkaConfiguration.localDefaults(bootstrapServers: "127.0.0.1:1")
            .librdkafkaProperties(for: .groupConsumer(groupID: "g"))
        #expect(properties["session.timeout.ms"] == "6000")
        #expect(properties["heartbeat.interval.ms"] == "500")
    }

    @Test func durationsBecomeWholeMillisecondsWithinLibrdkafkasRange() {
        #expect(Duration.milliseconds(1500).kafkaMilliseconds == 1500)
        #expect(Duration.microseconds(2500).kafkaMilliseconds == 2)
        #expect(Duration.seconds(-3).kafkaMilliseconds == 0)
        #expect(Duration.seconds(Int64.max / 2).kafkaMilliseconds == Int32.max)
    }

    @Test func secretPropertiesStaySecretAndOverrideAdditionalButNotTheBridgesGuarantees() {
        var configuration = KafkaConfiguration(bootstrapServers: "b:9092")
        configuration.additional = ["sasl.password": "plain-text", "sasl.username": "bridge"]
        configuration.secretProperties = ["sasl.password": Secret("sasl-secret"), "acks": Secret("0")]
        let properties = configuration.librdkafkaProperties(for: .producer)
        #expect(properties["sasl.password"] == .secret(Secret("sasl-secret")))
        #expect(properties["sasl.username"] == "bridge")
        #expect(properties["acks"] == "all")
        #expect(!"\(properties)".contains("sasl-secret"))
    }
}
