/// What a Kafka client reports about reaching its cluster, for a readiness check such as a
/// role's `/healthz`. librdkafka keeps reconnecting by itself; this only tells when nothing
/// it knows answers.
public enum KafkaConnectivity: Sendable, Hashable {
    /// Every broker the client knows is down (librdkafka's `_ALL_BROKERS_DOWN`), with
    /// librdkafka's text, e.g. `1/1 brokers are down`.
    case allBrokersDown(String)
    /// A broker answers again after `allBrokersDown`.
    case restored
    /// The client was closed: it watches no more, and what it reported last no longer holds.
    case closed
}

/// Receives a client's `KafkaConnectivity` changes, in order, on one of the client's
/// threads. It must return quickly and must not call the client.
public typealias KafkaConnectivityHandler = @Sendable (KafkaConnectivity) -> Void
