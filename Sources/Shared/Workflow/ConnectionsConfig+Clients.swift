import Config
import Foundation
import KafkaBridge
import Logging

extension ConnectionsConfig {
    /// Kafka client settings. With `CRMBRIDGE_LOCAL_BROKER=1` (set by `make run`), the
    /// short group timeouts the local mock broker needs (ENVIRONMENT.md).
    public func kafkaConfiguration(
        clientID: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> KafkaConfiguration {
        var configuration = environment["CRMBRIDGE_LOCAL_BROKER"] == "1"
            ? KafkaConfiguration.localDefaults(bootstrapServers: kafka.bootstrapServers, clientID: clientID)
            : KafkaConfiguration(bootstrapServers: kafka.bootstrapServers, clientID: clientID)
        configuration.additional.merge(kafka.properties) { _, new in new }
        // Secret properties stay `Secret` until librdkafka's `rd_kafka_conf_set`.
        configuration.secretProperties = kafka.secretProperties
        return configuration
    }
}
