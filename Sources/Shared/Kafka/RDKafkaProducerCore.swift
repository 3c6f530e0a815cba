import CRDKafka
import Logging
import Synchronization

/// The producer's librdkafka side: the handle, its main event queue (served by the poll
/// thread) and the topic handles used to enqueue. `produce` is called only on the
/// producer's enqueue queue, `pollOnce` only on its poll thread.
final class RDKafkaProducerCore: @unchecked Sendable {
    let client: RDKafkaClient
    let tracker: KafkaDeliveryTracker
    private let mainQueue: OpaquePointer
    /// Enqueue-queue confined.
    private var topics: [String: OpaquePointer] = [:]
    /// Enqueue-queue confined scratch space for `rd_kafka_produceva` arguments.
    private var arguments: UnsafeMutablePointer<rd_kafka_vu_t>
    private var argumentCapacity = 16
    /// Poll-thread confined scratch space for delivery reports.
    private var deliveries: [KafkaDeliveryTracker.Delivery] = []
    private let fatalFailure = Mutex<KafkaError?>(nil)

    init(configuration: KafkaConfiguration, logger: Logger, brokerWatch: KafkaBrokerWatch?) throws {
        client = try RDKafkaClient(
            role: .producer,
            properties: configuration.librdkafkaProperties(for: .producer),
            logger: logger,
            events: RD_KAFKA_EVENT_DR | RD_KAFKA_EVENT_ERROR,
            assignment: nil,
            brokerWatch: brokerWatch)
        tracker = KafkaDeliveryTracker()
        guard let queue = rd_kafka_queue_get_main(client.handle) else {
            throw KafkaError(
                code: .failedMessage, message: "no main queue", function: "rd_kafka_queue_get_main")
        }
        mainQueue = queue
        arguments = .allocate(capacity: argumentCapacity)
        deliveries.reserveCapacity(1024)
    }

    deinit {
        for handle in topics.values {
            rd_kafka_topic_destroy(handle)
        }
        arguments.deallocate()
        rd_kafka_queue_destroy(mainQueue)
    }

    /// The fatal error the producer hit, if any: it can no longer guarantee idempotence.
    var fatal: KafkaError? { fatalFailure.withLock { $0 } }

    // MARK: Poll thread

    /// Serves one event of the main queue (delivery reports, errors), waiting up to 100 ms.
    func pollOnce() {
        guard let event = rd_kafka_queue_poll(mainQueue, 100) else { return }
        defer { rd_kafka_event_destroy(event) }
        switch rd_kafka_event_type(event) {
        case RD_KAFKA_EVENT_DR:
            deliveries.removeAll(keepingCapacity: true)
            while let message = rd_kafka_event_message_next(event) {
                deliveries.append(
                    KafkaDeliveryTracker.Delivery(
                        token: UInt(bitPattern: message.pointee._private),
                        error: KafkaError.Code(message.pointee.err),
                        partition: message.pointee.partition,
                        offset: message.pointee.offset))
            }
            tracker.deliver(deliveries)
        case RD_KAFKA_EVENT_ERROR:
            handleErrorEvent(event)
        default:
            break
        }
    }

    private func handleErrorEvent(_ event: OpaquePointer) {
        let code = rd_kafka_event_error(event)
        let text = String(cString: rd_kafka_event_error_string(event))
        guard rd_kafka_event_error_is_fatal(event) != 0 else {
            client.noteError(KafkaError.Code(code), text)
            // librdkafka retries these itself; transport errors are already in its log.
            let level: Logger.Level = code == RD_KAFKA_RESP_ERR__TRANSPORT ? .debug : .warning
            client.logger.log(
                level: level, "Kafka producer error: \(text)",
                metadata: [KafkaLogKey.error: "\(KafkaError.Code(code))"])
            return
        }
        let error = client.fatalError(function: "rd_kafka_fatal_error")
        fatalFailure.withLock { $0 = $0 ?? error }
        client.logger.critical("Kafka producer hit a fatal error: \(error)")
    }

    // MARK: Enqueue queue

    /// Enqueues `record` once. Returns the error when librdkafka refused it (e.g.
    /// `_QUEUE_FULL`, for the caller to wait and retry).
    func produce(_ record: KafkaRecord, opaque: UnsafeMutableRawPointer?) -> KafkaError? {
        guard let topic = topicHandle(record.topic) else {
            return KafkaError.invalidArgument(
                "invalid topic name \"\(record.topic)\"", function: "rd_kafka_topic_new")
        }
        let needed = 8 + record.headers.count
        if needed > argumentCapacity {
            arguments.deallocate()
            argumentCapacity = needed
            arguments = .allocate(capacity: needed)
        }
        var count = 0
        func append(_ type: rd_kafka_vtype_t, _ set: (inout rd_kafka_vu_t) -> Void) {
            var argument = rd_kafka_vu_t()
            argument.vtype = type
            set(&argument)
            arguments[count] = argument
            count += 1
        }
        append(RD_KAFKA_VTYPE_RKT) { $0.u.rkt = topic }
        append(RD_KAFKA_VTYPE_PARTITION) { $0.u.i32 = record.partition ?? RD_KAFKA_PARTITION_UA }
        append(RD_KAFKA_VTYPE_MSGFLAGS) { $0.u.i = RD_KAFKA_MSG_F_COPY }
        append(RD_KAFKA_VTYPE_OPAQUE) { $0.u.ptr = opaque }
        if let timestamp = record.timestamp {
            append(RD_KAFKA_VTYPE_TIMESTAMP) {
                $0.u.i64 = Int64((timestamp.timeIntervalSince1970 * 1000).rounded())
            }
        }
        return Self.withBytes(record.key) { key in
            Self.withBytes(record.value) { value in
                if let key {
                    append(RD_KAFKA_VTYPE_KEY) {
                        $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: key.baseAddress)
                        $0.u.mem.size = key.count
                    }
                }
                if let value {
                    append(RD_KAFKA_VTYPE_VALUE) {
                        $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: value.baseAddress)
                        $0.u.mem.size = value.count
                    }
                }
                return produce(headers: record.headers[...], argumentCount: count)
            }
        }
    }

    /// Appends the headers one by one (their bytes must stay valid during the call), then
    /// calls `rd_kafka_produceva`, which copies everything.
    private func produce(headers: ArraySlice<KafkaHeader>, argumentCount: Int) -> KafkaError? {
        guard let header = headers.first else {
            guard let error = rd_kafka_produceva(client.handle, arguments, argumentCount) else {
                return nil
            }
            return KafkaError(consuming: error, function: "rd_kafka_produceva")
        }
        return header.name.withCString { name in
            header.value.withUnsafeBytes { value in
                var argument = rd_kafka_vu_t()
                argument.vtype = RD_KAFKA_VTYPE_HEADER
                argument.u.header.name = name
                argument.u.header.val = value.baseAddress
                argument.u.header.size = value.count
                arguments[argumentCount] = argument
                return produce(headers: headers.dropFirst(), argumentCount: argumentCount + 1)
            }
        }
    }

    private func topicHandle(_ name: String) -> OpaquePointer? {
        if let handle = topics[name] { return handle }
        guard !name.isEmpty, let handle = rd_kafka_topic_new(client.handle, name, nil) else {
            return nil
        }
        topics[name] = handle
        return handle
    }

    private static func withBytes<R>(
        _ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R
    ) -> R {
        guard let bytes else { return body(nil) }
        return bytes.withUnsafeBytes { body($0) }
    }

    // MARK: Any blocking queue

    /// `rd_kafka_flush`: waits until every enqueued message was reported.
    func flush(timeout: Duration) -> KafkaError? {
        let result = rd_kafka_flush(client.handle, timeout.kafkaMilliseconds)
        guard result != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return KafkaError(result, function: "rd_kafka_flush")
    }

    /// Drops every message not yet acknowledged; each gets a failed delivery report.
    func purge() {
        _ = rd_kafka_purge(client.handle, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT)
    }

    var outstandingCount: Int { Int(rd_kafka_outq_len(client.handle)) }
}
