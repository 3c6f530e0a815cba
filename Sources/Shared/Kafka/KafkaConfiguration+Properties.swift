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

extension KafkaConfiguration {
    /// The librdkafka properties of a client in `role`: the one place where typed
    /// settings become librdkafka key/values. `additional` comes first so the bridge's
    /// guarantees win over it.
    func librdkafkaProperties(for role: KafkaClientRole) -> [String: String] {
        var properties = additional
        properties["bootstrap.servers"] = bootstrapServers
        properties["client.id"] = clientID

        switch role {
        case .producer:
            properties["enable.idempotence"] = "true"
            properties["acks"] = "all"
            properties["message.timeout.ms"] = String(messageTimeout.kafkaMilliseconds)
        case .groupConsumer(let groupID):
            properties["group.id"] = groupID
            properties["session.timeout.ms"] = String(sessionTimeout.kafkaMilliseconds)
            properties["heartbeat.interval.ms"] = String(heartbeatInterval.kafkaMilliseconds)
            properties["enable.auto.commit"] = "false"
            properties["enable.auto.offset.store"] = "false"
            properties["auto.offset.reset"] = "earliest"
            properties["enable.partition.eof"] = "false"
            properties["queued.max.messages.kbytes"] = additional["queued.max.messages.kbytes"]
                ?? String(max(1, consumerPrefetchBytes / 1024))
        case .offsetClient(let groupID):
            properties["group.id"] = groupID
            properties["session.timeout.ms"] = String(sessionTimeout.kafkaMilliseconds)
            properties["heartbeat.interval.ms"] = String(heartbeatInterval.kafkaMilliseconds)
            properties["enable.auto.commit"] = "false"
            properties["enable.auto.offset.store"] = "false"
            properties["auto.offset.reset"] = "earliest"
            properties["enable.partition.eof"] = "false"
        case .admin(let autoCreateTopics):
            properties["allow.auto.create.topics"] = autoCreateTopics ? "true" : "false"
        }
        return properties
    }
}
