import CRDKafka
import CoreValues
import Logging

/// Owns one librdkafka handle (`rd_kafka_t`) and the context its C callbacks reach
/// through the configuration opaque. The handle is destroyed in `deinit`; librdkafka joins
/// its threads there, so no callback runs once the context is released.
package final class RDKafkaClient: @unchecked Sendable {
    package let handle: OpaquePointer
    let role: KafkaClientRole
    let logger: Logger
    /// Follows whether any broker answers (for the owner's readiness), when asked for.
    let brokerWatch: KafkaBrokerWatch?
    private let context: Unmanaged<RDKafkaClientContext>
    private let destroyFlags: Int32

    /// - Parameters:
    ///   - events: librdkafka events (`RD_KAFKA_EVENT_*`) delivered on the main queue
    ///     instead of through callbacks (the producer's delivery reports).
    ///   - assignment: the consumer's assignment state, updated by the rebalance callback.
    package convenience init(
        role: KafkaClientRole,
        properties: [String: KafkaPropertyValue],
        logger: Logger,
        events: Int32 = 0,
        assignment: KafkaAssignmentTracker? = nil
    ) throws {
        try self.init(role: role, properties: properties, logger: logger, events: events, assignment: assignment, brokerWatch: nil)
    }

    /// - Parameter brokerWatch: told when every broker is down, and given a probe that
    ///   asks whether one answers again. A client without error events reports to it
    ///   through the error callback.
    init(
        role: KafkaClientRole,
        properties: [String: KafkaPropertyValue],
        logger: Logger,
        events: Int32,
        assignment: KafkaAssignmentTracker?,
        brokerWatch: KafkaBrokerWatch?
    ) throws {
        let conf = try RDKafkaClient.makeConf(properties)
        let context = Unmanaged.passRetained(
            RDKafkaClientContext(logger: logger, assignment: assignment, brokerWatch: brokerWatch))
        rd_kafka_conf_set_opaque(conf, context.toOpaque())
        rd_kafka_conf_set_log_cb(conf, rdKafkaLogCallback)
        if assignment != nil {
            rd_kafka_conf_set_rebalance_cb(conf, rdKafkaRebalanceCallback)
        }
        if events != 0 {
            rd_kafka_conf_set_events(conf, events)
        } else if brokerWatch != nil {
            // Without it librdkafka only logs client-wide errors such as _ALL_BROKERS_DOWN.
            rd_kafka_conf_set_error_cb(conf, rdKafkaErrorCallback)
        }

        var errorText = [CChar](repeating: 0, count: 512)
        let type = role.isProducer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER
        guard let handle = rd_kafka_new(type, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            context.release()
            throw KafkaError(
                code: .invalidArgument, message: String(rdKafkaBuffer: errorText),
                function: "rd_kafka_new", isRetriable: false)
        }
        self.handle = handle
        self.role = role
        self.logger = logger
        self.context = context
        self.brokerWatch = brokerWatch
        // Offset and admin handles never join their group: destroying them must not
        // try to leave it (which would block until the session times out).
        switch role {
        case .offsetClient, .admin: destroyFlags = RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE
        case .producer, .groupConsumer: destroyFlags = 0
        }
        // Weakly: the watch lives as long as this client, and a probe must not keep it alive.
        brokerWatch?.attach { [weak self] timeout in self?.brokersAnswer(timeout: timeout) }
    }

    deinit {
        rd_kafka_destroy_flags(handle, destroyFlags)
        context.release()
    }

    /// The client's name as librdkafka reports it (`client.id` and a counter).
    var name: String { String(cString: rd_kafka_name(handle)) }

    /// The one place where property values, secrets included, reach librdkafka: a
    /// `Secret` is revealed only as the argument of `rd_kafka_conf_set`.
    private static func makeConf(_ properties: [String: KafkaPropertyValue]) throws -> OpaquePointer {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError(
                code: .failedMessage, message: "could not allocate a configuration",
                function: "rd_kafka_conf_new")
        }
        var errorText = [CChar](repeating: 0, count: 512)
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
            let result: rd_kafka_conf_res_t
            switch value {
            case .plain(let text):
                result = rd_kafka_conf_set(conf, key, text, &errorText, errorText.count)
            case .secret(let secret):
                result = rd_kafka_conf_set(conf, key, secret.reveal(), &errorText, errorText.count)
            }
            guard result == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(conf)
                // librdkafka quotes the value in its message: keep it out when secret.
                let message = value.isSecret || isSensitive(key)
                    ? "invalid value for configuration property \"\(key)\""
                    : String(rdKafkaBuffer: errorText)
                throw KafkaError(
                    code: .invalidArgument, message: message, function: "rd_kafka_conf_set",
                    isRetriable: false)
            }
        }
        return conf
    }

    private static func isSensitive(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return ["password", "secret", "key", "token", "oauthbearer.config"]
            .contains { lowered.contains($0) }
    }
}

/// What librdkafka's callbacks need, reached through `rd_kafka_opaque`.
final class RDKafkaClientContext: Sendable {
    let logger: Logger
    let assignment: KafkaAssignmentTracker?
    let brokerWatch: KafkaBrokerWatch?

    init(logger: Logger, assignment: KafkaAssignmentTracker?, brokerWatch: KafkaBrokerWatch?) {
        self.logger = logger
        self.assignment = assignment
        self.brokerWatch = brokerWatch
    }

    /// The context of `handle`, valid while the owning `RDKafkaClient` lives.
    static func of(_ handle: OpaquePointer?) -> RDKafkaClientContext? {
        guard let handle, let opaque = rd_kafka_opaque(handle) else { return nil }
        return Unmanaged<RDKafkaClientContext>.fromOpaque(opaque).takeUnretainedValue()
    }
}
