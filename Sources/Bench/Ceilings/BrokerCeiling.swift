import Foundation
import KafkaBridge
import Logging

/// Ceiling 2 of the initial load: the local broker's produce+consume rate for the same
/// envelopes (same keys, values and headers as the reader's), with the raw clients only:
/// an idempotent `KafkaProducer` (`acks=all`) sending batches of a page, 4 batches in
/// flight, while a group `KafkaConsumer` reads them back. The clock runs from the first
/// send to the last message consumed; the consumer joins its group before.
struct BrokerCeiling: Benchmark {
    let name = "ceiling-broker"
    let summary = "the broker's produce+consume rate for the reader's envelopes, raw Kafka clients"
    let perScale = true
    static let batchesInFlight = 4

    func run(_ context: BenchContext, scale: Int?) async throws -> [Figure] {
        let records = scale ?? context.settings.records
        let dataset = try await context.dataset(records)
        let kafka = context.stack.kafka
        let logger = context.stack.kafkaLogger
        let topic = Self.topic(records)
        try await KafkaAdmin(configuration: kafka, logger: logger).createTopic(name: topic, partitions: 4)
        let batches = dataset.batches(of: context.settings.pageSize).map {
            dataset.kafkaRecords($0, topic: topic, entity: "contact")
        }
        let bytes = batches.reduce(0) { $0 + $1.reduce(0) { $0 + ($1.value?.count ?? 0) } }

        let consumer = try KafkaConsumer(configuration: kafka, groupID: topic, logger: logger)
        try await consumer.subscribe(topics: [topic])
        try await Stopwatch.waitUntil("the ceiling consumer to join its group", timeout: .seconds(60), interval: .milliseconds(1)) {
            _ = try await consumer.poll(maxMessages: 1, timeout: .milliseconds(100))
            return !consumer.assignment.isEmpty
        }
        let producer = try KafkaProducer(configuration: kafka, logger: logger)
        let cpu = context.stack.cpuAccount()
        let before = cpu.snapshot()
        let started = ContinuousClock.now
        async let consumed = Self.consume(consumer, count: records, batch: context.settings.pageSize, logger: context.logger)
        do {
            try await Self.produce(producer, batches, logger: context.logger)
        } catch {
            _ = try? await consumed
            throw error
        }
        let produced = ContinuousClock.now
        let done = try await consumed
        let cpuFigures = CPUAccount.figures(from: before, to: cpu.snapshot(), records: records, phase: name, scale: records)
        await producer.close()
        await consumer.close()

        let seconds = (done - started).seconds
        return [
            Figure(
                id: "ceiling.broker", workflow: "ceiling", label: "Broker produce+consume (raw clients)",
                value: Double(records) / seconds, unit: "records/s", scale: records,
                note: "produce alone \(Int(Double(records) / (produced - started).seconds)) records/s; \(bytes / records) B per envelope"),
        ] + cpuFigures
    }

    static func topic(_ records: Int) -> String { "bench.broker." + BenchContext.name("broker", scale: records) }

    func brokerTopics(scale: Int?, settings: BenchSettings) -> [BrokerTopic] {
        let records = scale ?? settings.records
        return [BrokerTopic(name: Self.topic(records), partitions: BenchSettings.partitions(holding: records))]
    }

    /// Sends the batches, `batchesInFlight` at a time, each awaited until acknowledged.
    static func produce(_ producer: KafkaProducer, _ batches: [[KafkaRecord]], logger: Logger) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, batch) in batches.enumerated() {
                if index >= batchesInFlight { try await group.next() }
                group.addTask { try await producer.send(batch) }
                if index % 20 == 19 { logger.info("broker ceiling sent", metadata: ["batches": "\(index + 1)"]) }
            }
            try await group.waitForAll()
        }
    }

    /// Polls until `count` messages were read; returns when the last one arrived.
    static func consume(_ consumer: KafkaConsumer, count: Int, batch: Int, logger: Logger) async throws -> ContinuousClock.Instant {
        var seen = 0
        let deadline = ContinuousClock.now + .seconds(max(120, count / 2000))
        var lastReport = ContinuousClock.now
        while seen < count {
            seen += try await consumer.poll(maxMessages: batch, timeout: .milliseconds(100)).count
            if ContinuousClock.now - lastReport > .seconds(5) {
                lastReport = .now
                logger.info("broker ceiling progress", metadata: ["consumed": "\(seen)", "of": "\(count)"])
            }
            guard ContinuousClock.now < deadline else {
                throw BenchError("the ceiling consumer read \(seen) of \(count) messages before its deadline")
            }
        }
        return .now
    }
}
