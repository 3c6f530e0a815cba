import CoreValues

/// The kinds of librdkafka handle the bridge creates, each with its fixed properties.
package enum KafkaClientRole: Sendable, Hashable {
    /// Idempotent producer, `acks=all`.
    case producer
    /// Group consumer with manual, synchronous offset commits.
    case groupConsumer(groupID: String)
    /// A consumer handle carrying a group id that never subscribes: reads and writes the
    /// group's committed offsets (admin).
    case offsetClient(groupID: String)
    /// Metadata, watermarks, topic creation and per-partition reads (admin). With
    /// `autoCreateTopics` it is a producer-type handle whose metadata requests ask the
    /// broker to create a missing topic (for brokers without CreateTopics).
    case admin(autoCreateTopics: Bool)

    /// The producer and the auto-creating admin are producer-type handles; the rest are
    /// consumer-type handles.
    var isProducer: Bool {
        self == .producer || self == .admin(autoCreateTopics: true)
    }
}

/// One librdkafka property value as the bridge renders it: a secret stays a `Secret`
/// until `rd_kafka_conf_set` (`RDKafkaClient`), and prints as `***`.
package enum KafkaPropertyValue: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    case plain(String)
    case secret(Secret)

    package init(stringLiteral value: String) {
        self = .plain(value)
    }

    var isSecret: Bool {
        if case .secret = self { return true }
        return false
    }

    package var description: String {
        switch self {
        case .plain(let text): text
        case .secret(let secret): secret.description
        }
    }
}

extension KafkaConfiguration {
    /// The librdkafka properties of a client in `role`: the one place where typed
    /// settings become librdkafka key/values. `additional` comes first, then
    /// `secretProperties`, so the bridge's guarantees win over both.
    func librdkafkaProperties(for role: KafkaClientRole) -> [String: KafkaPropertyValue] {
        var properties = additional.mapValues(KafkaPropertyValue.plain)
        for (key, secret) in secretProperties {
            properties[key] = .secret(secret)
        }
        properties["bootstrap.servers"] = .plain(bootstrapServers)
        properties["client.id"] = .plain(clientID)

        switch role {
        case .producer:
            properties["enable.idempotence"] = "true"
            properties["acks"] = "all"
            properties["message.timeout.ms"] = .plain(String(messageTimeout.kafkaMilliseconds))
        case .groupConsumer(let groupID):
            properties["group.id"] = .plain(groupID)
            properties["session.timeout.ms"] = .plain(String(sessionTimeout.kafkaMilliseconds))
            properties["heartbeat.interval.ms"] = .plain(String(heartbeatInterval.kafkaMilliseconds))
            properties["enable.auto.commit"] = "false"
            properties["enable.auto.offset.store"] = "false"
            properties["auto.offset.reset"] = "earliest"
            properties["enable.partition.eof"] = "false"
            properties["queued.max.messages.kbytes"] = .plain(
                additional["queued.max.messages.kbytes"] ?? String(max(1, consumerPrefetchBytes / 1024)))
            properties["fetch.max.bytes"] = .plain(additional["fetch.max.bytes"] ?? String(consumerFetchBytes))
        case .offsetClient(let groupID):
            properties["group.id"] = .plain(groupID)
            properties["session.timeout.ms"] = .plain(String(sessionTimeout.kafkaMilliseconds))
            properties["heartbeat.interval.ms"] = .plain(String(heartbeatInterval.kafkaMilliseconds))
            properties["enable.auto.commit"] = "false"
            properties["enable.auto.offset.store"] = "false"
            properties["auto.offset.reset"] = "earliest"
            properties["enable.partition.eof"] = "false"
        case .admin(let autoCreateTopics):
            properties["allow.auto.create.topics"] = .plain(autoCreateTopics ? "true" : "false")
        }
        return properties
    }
}
