import Foundation
import Shared

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
        var roles: [ChildProcess] = []
        do {
            roles = [try await run.spawn("reader"), try await run.spawn("writer")]
            let cpu = context.stack.cpuAccount(roles: [("reader", roles[0]), ("writer", roles[1])])
            let before = cpu.snapshot()
            let started = ContinuousClock.now
            try await run.start()
            let drain = try await run.waitDrained(
                records: records, fullLoad: true, timeout: Self.timeout(records), roles: roles)
            let cpuFigures = CPUAccount.figures(from: before, to: cpu.snapshot(), records: records, phase: name, scale: records)
            let count = try await run.profileCount()
            guard count == records else { throw BenchError("\(count) profiles after the load of \(records)") }
            let peaks = roles.map { $0.peakResidentBytes ?? 0 }
            await run.finish(roles, dropDatabase: false)
            await context.state.setArtefact(Self.artefactKey(records), entity)

            var (rate, steady, figures) = Throughput.figures(
                id: "initial-load", label: "Initial load end to end", records: records, drain: drain, started: started,
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
            figures += PeakMemory.figures(phase: "initial-load", roles: ["reader", "writer"], peaks: peaks, scale: records)
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
