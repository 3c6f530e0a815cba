import Foundation

/// A message to produce. The partition is chosen by librdkafka's partitioner from the key
/// (the same key always lands in the same partition) unless `partition` is set.
public struct KafkaRecord: Sendable, Hashable {
    public var topic: String
    public var key: [UInt8]?
    /// `nil` produces a tombstone.
    public var value: [UInt8]?
    public var headers: [KafkaHeader]
    public var partition: Int32?
    /// The message's CreateTime; `nil` lets librdkafka stamp the current time.
    public var timestamp: Date?

    public init(
        topic: String, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader] = [],
        partition: Int32? = nil, timestamp: Date? = nil
    ) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
        self.partition = partition
        self.timestamp = timestamp
    }

    /// A record with a UTF-8 string key and `Data` value.
    public init(
        topic: String, key: String, value: Data, headers: [KafkaHeader] = [],
        timestamp: Date? = nil
    ) {
        self.init(
            topic: topic, key: Array(key.utf8), value: Array(value), headers: headers,
            timestamp: timestamp)
    }
}
