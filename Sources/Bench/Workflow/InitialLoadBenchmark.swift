import Foundation
import WorkflowRuntime

/// crm-to-campaign, measure 1: the first run of the workflow with N contacts in the CRM,
/// reader and writer each their own process. The clock starts when the workflow is
/// Started (both processes up and idle) and stops when the reader stored LASTIMPORT and
/// the writer group committed every message (so every row is in `profiles`), then the
/// row count is checked. Leaves its database and topic for the replay.
///
/// `initial-load-deletes` is the same load with `deletes.enabled`: the reader then also
/// records every loaded id in Campaign's ledger and, at the end, walks the table for the
/// rows the CRM no longer has. It shows the price of that and that the reader's memory
/// stays flat in N (the ids are not held in memory). Its throughput has no target: the
/// targets of issue 6 are for the plain load.
struct InitialLoadBenchmark: Benchmark {
    var deletes = false
    var name: String { deletes ? "initial-load-deletes" : "initial-load" }
    var summary: String {
        "crm-to-campaign full load of N contacts end to end, reader and writer processes"
            + (deletes ? ", deletes enabled (full-load reconciliation)" : "")
    }
    let perScale = true
    private var label: String { deletes ? "Initial load with deletes" : "Initial load end to end" }
    private var entityStem: String { deletes ? "loaddel" : "load" }

    static let ceilings = ["ceiling.emulator-paging", "ceiling.broker", "ceiling.postgres-upsert"]

    func run(_ context: BenchContext, scale: Int?) async throws -> [Figure] {
        let records = scale ?? context.settings.records
        try await context.ensureEmulatorContacts(records)
        let entity = BenchContext.name(entityStem, scale: records)
        let run = try await IngressRun.prepare(context, entity: entity, deletes: deletes)
        let timed = try await TimedDrain.measure(
            run, roles: ["reader", "writer"], records: records, fullLoad: true, phase: name, keepDatabase: !deletes)
        if !deletes { await context.state.setArtefact(Self.artefactKey(records), entity) }

        var (rate, steady, figures) = Throughput.figures(
            id: name, label: label, records: records, drain: timed.drain, started: timed.started,
            target: deletes ? nil : .atLeast(20_000))
        if let slowest = await Self.slowestCeiling(context, scale: records) {
            figures.append(Figure(
                id: "\(name).ratio", workflow: "crm-to-campaign", label: "\(label) / slowest ceiling",
                value: rate / slowest.value, unit: "ratio", scale: records, target: deletes ? nil : .atLeast(0.5),
                note: "slowest ceiling: \(slowest.label) \(Int(slowest.value)) records/s"))
            if let steady {
                figures.append(Figure(
                    id: "\(name).steady-ratio", workflow: "crm-to-campaign", label: "\(label) steady / slowest ceiling",
                    value: steady / slowest.value, unit: "ratio", scale: records,
                    note: "without the start (the ceilings' clients join and connect before their clock starts)"))
            }
        }
        figures += PeakMemory.figures(phase: name, roles: ["reader", "writer"], peaks: timed.peaks, scale: records)
        return figures + timed.cpu
    }

    func brokerTopics(scale: Int?, settings: BenchSettings) -> [BrokerTopic] {
        let records = scale ?? settings.records
        return [BrokerTopic(
            name: Topics.crmToCampaign(entity: BenchContext.name(entityStem, scale: records)),
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
