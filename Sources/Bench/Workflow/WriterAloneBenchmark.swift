import Foundation
import Shared

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
        var roles: [ChildProcess] = []
        do {
            try await prefill(run, dataset, context)
            roles = [try await run.spawn("writer")]
            let cpu = context.stack.cpuAccount(roles: [("writer", roles[0])])
            let before = cpu.snapshot()
            let started = ContinuousClock.now
            try await run.start()
            let drain = try await run.waitDrained(
                records: records, fullLoad: false, timeout: InitialLoadBenchmark.timeout(records), roles: roles)
            let cpuFigures = CPUAccount.figures(from: before, to: cpu.snapshot(), records: records, phase: name, scale: records)
            let count = try await run.profileCount()
            guard count == records else { throw BenchError("\(count) profiles after the writer drained \(records)") }
            let peak = roles[0].peakResidentBytes ?? 0
            await run.finish(roles, dropDatabase: true)

            var (rate, steady, figures) = Throughput.figures(
                id: "writer-alone", label: "Writer alone", records: records, drain: drain, started: started, target: nil)
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
            figures += PeakMemory.figures(phase: "writer-alone", roles: ["writer"], peaks: [peak], scale: records)
            return figures + cpuFigures
        } catch {
            for role in roles { context.logger.error("role log", metadata: ["role": "\(role.name)", "tail": "\(role.logTail(1500))"]) }
            await run.finish(roles, dropDatabase: true)
            throw error
        }
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
