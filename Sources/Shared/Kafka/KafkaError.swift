import CRDKafka

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

        init(_ error: rd_kafka_resp_err_t) {
            rawValue = error.rawValue
        }

        package var rdKafka: rd_kafka_resp_err_t { rd_kafka_resp_err_t(rawValue: rawValue) }

        /// librdkafka's symbolic name, e.g. `_MSG_TIMED_OUT` or `UNKNOWN_TOPIC_OR_PART`.
        public var name: String { String(cString: rd_kafka_err2name(rdKafka)) }

        public var description: String { "\(name) (\(rawValue))" }

        public static let noError = Code(RD_KAFKA_RESP_ERR_NO_ERROR)
        public static let badMessage = Code(RD_KAFKA_RESP_ERR__BAD_MSG)
        public static let failedMessage = Code(RD_KAFKA_RESP_ERR__FAIL)
        public static let transport = Code(RD_KAFKA_RESP_ERR__TRANSPORT)
        public static let allBrokersDown = Code(RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
        public static let destroyed = Code(RD_KAFKA_RESP_ERR__DESTROY)
        public static let invalidArgument = Code(RD_KAFKA_RESP_ERR__INVALID_ARG)
        public static let timedOut = Code(RD_KAFKA_RESP_ERR__TIMED_OUT)
        public static let messageTimedOut = Code(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT)
        public static let queueFull = Code(RD_KAFKA_RESP_ERR__QUEUE_FULL)
        public static let unknownTopic = Code(RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC)
        public static let unknownPartition = Code(RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION)
        public static let partitionEOF = Code(RD_KAFKA_RESP_ERR__PARTITION_EOF)
        public static let unsupportedFeature = Code(RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE)
        public static let state = Code(RD_KAFKA_RESP_ERR__STATE)
        public static let fatal = Code(RD_KAFKA_RESP_ERR__FATAL)
        public static let purgedQueue = Code(RD_KAFKA_RESP_ERR__PURGE_QUEUE)
        public static let purgedInFlight = Code(RD_KAFKA_RESP_ERR__PURGE_INFLIGHT)
        public static let noOffset = Code(RD_KAFKA_RESP_ERR__NO_OFFSET)
        public static let unknownTopicOrPartition = Code(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
        public static let topicAlreadyExists = Code(RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
        public static let invalidRequest = Code(RD_KAFKA_RESP_ERR_INVALID_REQUEST)
        public static let unsupportedVersion = Code(RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION)
        public static let unknownMemberID = Code(RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID)
        public static let illegalGeneration = Code(RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION)
        public static let rebalanceInProgress = Code(RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS)
        public static let groupNotEmpty = Code(RD_KAFKA_RESP_ERR_NON_EMPTY_GROUP)
        public static let leaderNotAvailable = Code(RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE)
        public static let notLeaderForPartition = Code(RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION)
        public static let requestTimedOut = Code(RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT)
        public static let networkException = Code(RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION)
        public static let coordinatorLoadInProgress = Code(RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS)
        public static let coordinatorNotAvailable = Code(RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE)
        public static let notCoordinator = Code(RD_KAFKA_RESP_ERR_NOT_COORDINATOR)
        public static let notEnoughReplicas = Code(RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS)
        public static let notEnoughReplicasAfterAppend = Code(RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND)
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
    /// An error from a bare `rd_kafka_resp_err_t`, with librdkafka's description of it.
    init(_ error: rd_kafka_resp_err_t, function: String) {
        self.init(
            code: Code(error), message: String(cString: rd_kafka_err2str(error)),
            function: function)
    }

    /// An error from an `rd_kafka_error_t`, which it destroys.
    init(consuming error: OpaquePointer, function: String) {
        defer { rd_kafka_error_destroy(error) }
        self.init(
            code: Code(rd_kafka_error_code(error)),
            message: String(cString: rd_kafka_error_string(error)),
            function: function,
            isRetriable: rd_kafka_error_is_retriable(error) != 0,
            isFatal: rd_kafka_error_is_fatal(error) != 0)
    }

    /// Throws when `error` is not `NO_ERROR`.
    package static func check(_ error: rd_kafka_resp_err_t, function: String) throws {
        if error != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(error, function: function)
        }
    }

    static func closed(_ what: String, function: String) -> KafkaError {
        KafkaError(
            code: .destroyed, message: "the \(what) is closed", function: function,
            isRetriable: false)
    }

    package static func invalidArgument(_ message: String, function: String) -> KafkaError {
        KafkaError(code: .invalidArgument, message: message, function: function, isRetriable: false)
    }
}
