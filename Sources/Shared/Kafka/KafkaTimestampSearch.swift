import Logging

/// Finds, per partition, the first offset whose message timestamp is at or after a time.
///
/// It asks the broker first (`rd_kafka_offsets_for_times`, Kafka's time index). The broker
/// answers "none" (-1) both when no message is that recent and when it cannot search by
/// time (the librdkafka mock broker): the last message's timestamp tells the two apart,
/// and in the second case a binary search over message timestamps (read one at a time)
/// finds the offset. The search assumes timestamps grow with offsets, which holds for
/// CreateTime stamped by producers and for LogAppendTime.
struct KafkaTimestampSearch {
    let client: RDKafkaClient
    let topic: String
    let watermarks: [Int32: (low: Int64, high: Int64)]
    /// Milliseconds since 1970.
    let timestamp: Int64
    let configuration: KafkaConfiguration
    let logger: Logger

    func offsets() throws -> [Int32: Int64] {
        let answers = try brokerAnswers()
        var reader: KafkaPartitionReader?
        var result: [Int32: Int64] = [:]
        for (partition, marks) in watermarks {
            if marks.low >= marks.high {
                result[partition] = marks.high
            } else if let answer = answers[partition], answer >= 0 {
                result[partition] = min(max(answer, marks.low), marks.high)
            } else {
                if reader == nil {
                    reader = try KafkaPartitionReader(configuration: configuration, logger: logger)
                }
                if let reader {
                    result[partition] = try search(partition: partition, low: marks.low, high: marks.high, reader: reader)
                }
            }
        }
        return result
    }

    private func brokerAnswers() throws -> [Int32: Int64] {
        try client.offsetsForTimes(
            topic: topic, partitions: Array(watermarks.keys), timestamp: timestamp,
            timeout: configuration.requestTimeout)
    }

    /// Binary search in [low, high): the first offset whose timestamp ≥ `timestamp`, or
    /// `high` when the last message is older. Offsets may have gaps (compaction): reading
    /// at an offset yields the first message at or after it.
    private func search(partition: Int32, low: Int64, high: Int64, reader: KafkaPartitionReader) throws -> Int64 {
        guard let last = try reader.message(topic: topic, partition: partition, at: high - 1),
            last.timestamp >= timestamp
        else {
            return high
        }
        // `candidate` is the smallest offset seen that qualifies; a smaller one can only be
        // in [lower, upper).
        var candidate = last.offset
        var (lower, upper) = (low, last.offset)
        while lower < upper {
            let middle = lower + (upper - lower) / 2
            guard let found = try reader.message(topic: topic, partition: partition, at: middle) else {
                break
            }
            if found.offset >= upper {
                upper = middle  // no message in [middle, upper)
            } else if found.timestamp >= timestamp {
                candidate = found.offset
                upper = middle
            } else {
                lower = found.offset + 1
            }
        }
        return candidate
    }
}
