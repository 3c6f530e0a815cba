import Foundation
import WorkflowRuntime

/// crm-to-campaign, measure 1: the first run of the workflow with N contacts in the CRM,
/// reader and writer each their own process. The clock starts when the workflow is
/// Started (both processes up and idle) and stops when the reader stored LASTIMPORT and
/// the writer group committed every message (so every row is in `profiles`), then the
/// row count is checked. Leaves its database and topic for the replay.
struct InitialLoadBenchmark: Benchmark {
    let name = "initial-load"
    let summary = "crm-to-campaign full load of N contacts end to end, reader and writer processes"
    let perScale = true

    static let ceilings = ["ceiling.emulator-paging", "ceiling.broker", "ceiling.postgres-upsert"]

    func run(_ context: BenchContext, scale: Int?) async throws -> [Figure] {
        let records = scale ?? context.settings.records
        try await context.ensureEmulatorContacts(records)
        let entity = BenchContext.name("load", scale: records)
        let run = try await IngressRun.prepare(context, entity: entity)
        let timed = try await TimedDrain.measure(
            run, roles: ["reader", "writer"], records: records, fullLoad: true, phase: name, keepDatabase: true)
        await context.state.setArtefact(Self.artefactKey(records), entity)

        var (rate, steady, figures) = Throughput.figures(
            id: "initial-load", label: "Initial load end to end", records: records, drain: timed.drain, started: timed.started,
            target: .atLeast(20_000))
        if let slowest = await Self.slowestCeiling(context, scale: records) {
            figures.append(Figure(
                id: "initial-load.ratio", workflow: "crm-to-campaign", label: "Initial load / slowest ceiling",
                value: rate / slowest.value, unit: "ratio", scale: records, target: .atLeast(0.5),
                note: "slowest ceiling: \(slowest.label) \(Int(slowest.value)) records/s"))
            if let steady {
                figures.append(Figure(
                    id: "initial-load.steady-ratio", workflow: "crm-to-campaign", label: "Initial load steady / slowest ceiling",
                    value: steady / slowest.value, unit: "ratio", scale: records,
                    note: "without the start (the ceilings' clients join and connect before their clock starts)"))
            }
        }
        figures += PeakMemory.figures(phase: "initial-load", roles: ["reader", "writer"], peaks: timed.peaks, scale: records)
        return figures + timed.cpu
    }

    func brokerTopics(scale: Int?, settings: BenchSettings) -> [BrokerTopic] {
        let records = scale ?? settings.records
        return [BrokerTopic(
            name: Topics.crmToCampaign(entity: BenchContext.name("load", scale: records)),
            partitions: BenchSettings.partitions(holding: records))]
    }

    static func artefactKey(_ records: Int) -> String { "initial-load.entity.\(records)" }

    /// Generous: a load slower than 500 records/s is not worth waiting for.
    static func timeout(_ records: Int) -> Duration { .seconds(max(300, records / 500)) }

    static func slowestCeiling(_ context: BenchContext, scale: Int) async -> Figure? {
        var found: [Figure] = []
        for id in ceilings {
            if let figure = await context.figure(id, scale: scale) { found.append(figure) }
        }
        return found.min { $0.value < $1.value }
    }
}
