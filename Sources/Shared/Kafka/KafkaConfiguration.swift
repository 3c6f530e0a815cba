import CoreValues

/// Connection settings shared by every Kafka client of the bridge (producer, consumer,
/// admin). Rendered to librdkafka properties in one place:
/// `KafkaConfiguration+Properties.swift`.
public struct KafkaConfiguration: Sendable, Hashable {
    /// Comma-separated `host:port` list, e.g. `"127.0.0.1:9092"`.
    public var bootstrapServers: String
    /// `client.id`, shown in broker logs and metrics. Default `crmbridge`.
    public var clientID: String
    /// `session.timeout.ms` of group consumers. Default 45 s (librdkafka's default).
    public var sessionTimeout: Duration
    /// `heartbeat.interval.ms` of group consumers. Default 3 s (librdkafka's default).
    public var heartbeatInterval: Duration
    /// `message.timeout.ms`: how long a produced message may wait for the broker's
    /// acknowledgement (retries included) before it fails. Default 5 minutes. This bounds
    /// every `KafkaProducer.send`, also against an unreachable broker.
    public var messageTimeout: Duration
    /// How long admin and offset calls (metadata, watermarks, committed offsets, offset
    /// commits) wait for the broker. Default 10 s.
    public var requestTimeout: Duration
    /// How many bytes of fetched messages a group consumer keeps ready ahead of `poll`
    /// (`queued.max.messages.kbytes`). Default 32 MiB. librdkafka's own 64 MiB made a
    /// writer's memory grow with the backlog past 150 MB. Less starves a fast writer:
    /// once the queue is full, librdkafka before 2.2 fetches again only when its broker
    /// thread wakes, up to a second later, so a writer that drains the queue within that
    /// second waits (16 MiB held a writer to ~60,000 records/s, 32 MiB lets it reach
    /// ~90,000; `make bench`, docs/performance.md). `additional` may override it.
    public var consumerPrefetchBytes: Int = 32 * 1024 * 1024

    /// `fetch.max.bytes` of group consumers: a quarter of `consumerPrefetchBytes`, at
    /// least `message.max.bytes`. librdkafka checks the prefetch only before it fetches,
    /// so one response lands on a queue that is nearly full: with librdkafka's own 50 MiB
    /// (and, compressed, more once unpacked) a writer fetching a deep backlog held a
    /// whole response past its prefetch. A quarter keeps what a consumer holds near the
    /// prefetch. `additional` may override it.
    var consumerFetchBytes: Int {
        let messageMaxBytes = additional["message.max.bytes"].flatMap { Int($0) } ?? 1_000_000
        return max(consumerPrefetchBytes / 4, messageMaxBytes)
    }

    /// Any other librdkafka property (see librdkafka's CONFIGURATION.md). Applied before
    /// the bridge's own guarantees, which it cannot override: producer idempotence and
    /// `acks=all`, manual offset commits and `auto.offset.reset=earliest` of consumers.
    public var additional: [String: String]
    /// librdkafka properties whose values are secret (`sasl.password`,
    /// `ssl.key.password`…). They override `additional` and stay `Secret` until
    /// `rd_kafka_conf_set`; an invalid one is reported by its key, never its value.
    public var secretProperties: [String: Secret]

    public init(
        bootstrapServers: String,
        clientID: String = "crmbridge",
        sessionTimeout: Duration = .seconds(45),
        heartbeatInterval: Duration = .seconds(3),
        messageTimeout: Duration = .seconds(300),
        requestTimeout: Duration = .seconds(10),
        additional: [String: String] = [:],
        secretProperties: [String: Secret] = [:]
    ) {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        self.sessionTimeout = sessionTimeout
        self.heartbeatInterval = heartbeatInterval
        self.messageTimeout = messageTimeout
        self.requestTimeout = requestTimeout
        self.additional = additional
        self.secretProperties = secretProperties
    }

    /// Settings for the local librdkafka mock broker (`crmbridge dev-broker`, tests):
    /// `session.timeout.ms=6000` and `heartbeat.interval.ms=500`. With librdkafka's
    /// defaults, group rebalances with more than one member take very long against the
    /// mock broker (see ENVIRONMENT.md). Not meant for a production cluster.
    public static func localDefaults(
        bootstrapServers: String, clientID: String = "crmbridge"
    ) -> KafkaConfiguration {
        KafkaConfiguration(
            bootstrapServers: bootstrapServers,
            clientID: clientID,
            sessionTimeout: .seconds(6),
            heartbeatInterval: .milliseconds(500),
            messageTimeout: .seconds(60),
            requestTimeout: .seconds(10))
    }
}

extension Duration {
    /// Whole milliseconds, clamped to librdkafka's `int` range (and at least 0).
    package var kafkaMilliseconds: Int32 {
        let (seconds, attoseconds) = components
        let milliseconds = seconds.multipliedReportingOverflow(by: 1000)
        if milliseconds.overflow { return seconds < 0 ? 0 : Int32.max }
        let total = milliseconds.partialValue + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(0, total))
    }
}
