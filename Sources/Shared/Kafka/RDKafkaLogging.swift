import CRDKafka
import Foundation
import Logging

/// Metadata keys of the Kafka bridge's log lines.
enum KafkaLogKey {
    static let client = "kafka.client"
    static let facility = "kafka.facility"
    static let topic = "kafka.topic"
    static let partition = "kafka.partition"
    static let group = "kafka.group"
    static let error = "kafka.error"
}

/// librdkafka's `log_cb`. It runs on librdkafka's internal threads; swift-log handlers are
/// thread-safe, so lines go straight to the client's logger (no `log.queue` needed).
func rdKafkaLogCallback(
    _ handle: OpaquePointer?, _ level: Int32,
    _ facility: UnsafePointer<CChar>?, _ message: UnsafePointer<CChar>?
) {
    guard let context = RDKafkaClientContext.of(handle) else { return }
    var logLevel = Logger.Level(syslogLevel: level)
    // The local mock broker is older than allow.auto.create.topics; librdkafka says so on
    // every metadata request. True and harmless: keep it out of the operator's log.
    if let facility, strcmp(facility, "AUTOCREATE") == 0 { logLevel = .debug }
    let text = message.map { String(cString: $0) } ?? ""
    // `connections.kafka.properties` go to every client by design, so a producer setting
    // (`compression.type`) reaches the consumers too, which ignore it and say so at start.
    // Expected: not a warning. Other configuration warnings (deprecated names) stay.
    if let facility, strcmp(facility, "CONFWARN") == 0, isIgnoredByThisClientKind(text) { logLevel = .debug }
    guard context.logger.logLevel <= logLevel else { return }
    var metadata: Logger.Metadata = [:]
    if let facility {
        metadata[KafkaLogKey.facility] = "\(String(cString: facility))"
    }
    if let handle {
        metadata[KafkaLogKey.client] = "\(String(cString: rd_kafka_name(handle)))"
    }
    context.logger.log(level: logLevel, "\(text)", metadata: metadata)
}

/// librdkafka's "Configuration property X is a producer property and will be ignored by
/// this consumer instance" (or the other way round).
func isIgnoredByThisClientKind(_ text: String) -> Bool {
    text.contains("property and will be ignored by this consumer instance")
        || text.contains("property and will be ignored by this producer instance")
}

extension Logger.Level {
    /// librdkafka logs with syslog levels (0 emergency … 7 debug).
    init(syslogLevel: Int32) {
        switch syslogLevel {
        case ...2: self = .critical
        case 3: self = .error
        case 4: self = .warning
        case 5: self = .notice
        case 6: self = .info
        default: self = .debug
        }
    }
}
