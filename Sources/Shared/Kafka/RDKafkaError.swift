import CRDKafka

// Where librdkafka's return codes become `KafkaError`s: the one place of the Kafka bridge
// that reads `rd_kafka_resp_err_t` and `rd_kafka_error_t`.

extension KafkaError.Code {
    init(_ error: rd_kafka_resp_err_t) {
        self.init(rawValue: error.rawValue)
    }

    package var rdKafka: rd_kafka_resp_err_t { rd_kafka_resp_err_t(rawValue: rawValue) }

    /// librdkafka's symbolic name, e.g. `_MSG_TIMED_OUT` or `UNKNOWN_TOPIC_OR_PART`.
    public var name: String { String(cString: rd_kafka_err2name(rdKafka)) }

    /// librdkafka's human-readable text for the code.
    var text: String { String(cString: rd_kafka_err2str(rdKafka)) }

    public static let noError = Self(RD_KAFKA_RESP_ERR_NO_ERROR)
    public static let badMessage = Self(RD_KAFKA_RESP_ERR__BAD_MSG)
    public static let failedMessage = Self(RD_KAFKA_RESP_ERR__FAIL)
    public static let transport = Self(RD_KAFKA_RESP_ERR__TRANSPORT)
    public static let allBrokersDown = Self(RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
    public static let destroyed = Self(RD_KAFKA_RESP_ERR__DESTROY)
    public static let invalidArgument = Self(RD_KAFKA_RESP_ERR__INVALID_ARG)
    public static let timedOut = Self(RD_KAFKA_RESP_ERR__TIMED_OUT)
    public static let messageTimedOut = Self(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT)
    public static let queueFull = Self(RD_KAFKA_RESP_ERR__QUEUE_FULL)
    public static let unknownTopic = Self(RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC)
    public static let unknownPartition = Self(RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION)
    public static let partitionEOF = Self(RD_KAFKA_RESP_ERR__PARTITION_EOF)
    public static let unsupportedFeature = Self(RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE)
    public static let state = Self(RD_KAFKA_RESP_ERR__STATE)
    public static let fatal = Self(RD_KAFKA_RESP_ERR__FATAL)
    public static let purgedQueue = Self(RD_KAFKA_RESP_ERR__PURGE_QUEUE)
    public static let purgedInFlight = Self(RD_KAFKA_RESP_ERR__PURGE_INFLIGHT)
    public static let noOffset = Self(RD_KAFKA_RESP_ERR__NO_OFFSET)
    public static let unknownTopicOrPartition = Self(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
    public static let topicAlreadyExists = Self(RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
    public static let invalidRequest = Self(RD_KAFKA_RESP_ERR_INVALID_REQUEST)
    public static let unsupportedVersion = Self(RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION)
    public static let unknownMemberID = Self(RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID)
    public static let illegalGeneration = Self(RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION)
    public static let rebalanceInProgress = Self(RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS)
    public static let groupNotEmpty = Self(RD_KAFKA_RESP_ERR_NON_EMPTY_GROUP)
    public static let leaderNotAvailable = Self(RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE)
    public static let notLeaderForPartition = Self(RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION)
    public static let requestTimedOut = Self(RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT)
    public static let networkException = Self(RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION)
    public static let coordinatorLoadInProgress = Self(RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS)
    public static let coordinatorNotAvailable = Self(RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE)
    public static let notCoordinator = Self(RD_KAFKA_RESP_ERR_NOT_COORDINATOR)
    public static let notEnoughReplicas = Self(RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS)
    public static let notEnoughReplicasAfterAppend = Self(RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND)
}

extension KafkaError {
    /// An error for a bare code, with librdkafka's description of it.
    init(_ code: Code, function: String) {
        self.init(code: code, message: code.text, function: function)
    }

    /// An error from a bare `rd_kafka_resp_err_t`, with librdkafka's description of it.
    init(_ error: rd_kafka_resp_err_t, function: String) {
        self.init(Code(error), function: function)
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
}

extension String {
    /// The NUL-terminated text librdkafka wrote into an error buffer.
    init(rdKafkaBuffer buffer: [CChar]) {
        self.init(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
