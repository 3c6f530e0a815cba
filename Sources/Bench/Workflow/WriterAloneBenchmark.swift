import Foundation
import KafkaBridge
import WorkflowRuntime

/// crm-to-campaign, measure 2: the writer alone. The bench fills a fresh topic with the N
/// envelopes the reader would publish (before the clock), then one writer process (its
/// group has no offsets there, so it starts at earliest) drains it into an empty
/// `profiles`. Compared with the raw batch-upsert ceiling of the same rows.
struct WriterAloneBenchmark: Benchmark {
    let name = "writer-alone"
    let summary = "crm-to-campaign writer draining a pre-filled topic of N envelopes into profiles"
    let perScale = true

    func run(_ context: BenchContext, scale: Int?) async throws -> [Figure] {
        let records = scale ?? context.settings.records
        let dataset = try await context.dataset(records)
        let entity = BenchContext.name("writer", scale: records)
        let run = try await IngressRun.prepare(context, entity: entity)
        do {
            try await prefill(run, dataset, context)
        } catch {
            await run.finish([], dropDatabase: true)
            throw error
        }
        let timed = try await TimedDrain.measure(
            run, roles: ["writer"], records: records, fullLoad: false, phase: name, keepDatabase: false)

        var (rate, steady, figures) = Throughput.figures(
            id: "writer-alone", label: "Writer alone", records: records, drain: timed.drain, started: timed.started, target: nil)
        if let ceiling = await context.figure("ceiling.postgres-upsert", scale: records) {
            figures.append(Figure(
                id: "writer-alone.ratio", workflow: "crm-to-campaign", label: "Writer alone / raw upsert",
                value: rate / ceiling.value, unit: "ratio", scale: records, target: .atLeast(0.7),
                note: "raw upsert ceiling \(Int(ceiling.value)) records/s"))
            if let steady {
                figures.append(Figure(
                    id: "writer-alone.steady-ratio", workflow: "crm-to-campaign", label: "Writer alone steady / raw upsert",
                    value: steady / ceiling.value, unit: "ratio", scale: records,
                    note: "without the start (group join with the broker's 3 s initial rebalance delay)"))
            }
        }
        figures += PeakMemory.figures(phase: "writer-alone", roles: ["writer"], peaks: timed.peaks, scale: records)
        return figures + timed.cpu
    }

    func brokerTopics(scale: Int?, settings: BenchSettings) -> [BrokerTopic] {
        let records = scale ?? settings.records
        return [BrokerTopic(
            name: Topics.crmToCampaign(entity: BenchContext.name("writer", scale: records)),
            partitions: BenchSettings.partitions(holding: records))]
    }

    /// The reader's envelopes for this entity, produced by a raw producer and acknowledged.
    private func prefill(_ run: IngressRun, _ dataset: ContactDataset, _ context: BenchContext) async throws {
        let producer = try KafkaProducer(configuration: context.stack.kafka, logger: context.stack.kafkaLogger)
        do {
            for range in dataset.batches(of: context.settings.pageSize) {
                try await producer.send(dataset.kafkaRecords(range, topic: run.topic, entity: run.entity))
            }
        } catch {
            await producer.close()
            throw error
        }
        await producer.close()
    }
}
