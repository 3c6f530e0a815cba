/// The one error type of the Kafka bridge: a librdkafka error code, the message librdkafka
/// gave (or the bridge's own), and the C function that failed. It never carries payloads,
/// keys or configuration values.
public struct KafkaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A librdkafka error code (`rd_kafka_resp_err_t`): negative values are client-side
    /// errors, positive ones come from the broker.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: Int32

        public init(rawValue: Int32) {
            self.rawValue = rawValue
        }

        public var description: String { "\(name) (\(rawValue))" }

        // librdkafka's symbolic `name` and the named codes (`.timedOut`, `.queueFull`…)
        // come from the C library: RDKafkaError.swift.
    }

    public let code: Code
    /// librdkafka's message (or the bridge's), free of payloads and secrets.
    public let message: String
    /// The librdkafka function (or bridge operation) that failed.
    public let function: String
    /// Trying again later may succeed (broker down, timeout, rebalance, full queue).
    public let isRetriable: Bool
    /// The client instance can no longer be used (e.g. the idempotent producer lost
    /// its guarantees); build a new one.
    public let isFatal: Bool

    public init(
        code: Code, message: String, function: String,
        isRetriable: Bool? = nil, isFatal: Bool = false
    ) {
        self.code = code
        self.message = message
        self.function = function
        self.isRetriable = isRetriable ?? (!isFatal && Self.retriableCodes.contains(code))
        self.isFatal = isFatal
    }

    public var description: String {
        "Kafka error \(code) in \(function): \(message)"
    }

    private static let retriableCodes: Set<Code> = [
        .transport, .allBrokersDown, .timedOut, .messageTimedOut, .queueFull,
        .leaderNotAvailable, .notLeaderForPartition, .requestTimedOut, .networkException,
        .coordinatorLoadInProgress, .coordinatorNotAvailable, .notCoordinator,
        .rebalanceInProgress, .notEnoughReplicas, .notEnoughReplicasAfterAppend,
    ]
}

extension KafkaError {
    static func closed(_ what: String, function: String) -> KafkaError {
        KafkaError(
            code: .destroyed, message: "the \(what) is closed", function: function,
            isRetriable: false)
    }

    package static func invalidArgument(_ message: String, function: String) -> KafkaError {
        KafkaError(code: .invalidArgument, message: message, function: function, isRetriable: false)
    }
}
