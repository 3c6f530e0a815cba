import Foundation

/// crm-to-campaign, measure 4: a replay from the earliest offset into an empty
/// `profiles`, as an operator does it (SPEC §5): with the workflow stopped, `profiles` is
/// emptied and the writer group's offsets on the initial load's topic are moved to
/// earliest (`KafkaAdmin.resetOffsets`, what `crmbridge replay` does); then fresh reader
/// and writer processes, Start, and the clock runs until the group committed all N.
struct ReplayBenchmark: Benchmark {
    let name = "replay"
    let summary = "crm-to-campaign replay of N records from earliest into an empty profiles"
    let perScale = true

    func run(_ context: BenchContext, scale: Int?) async throws -> [Figure] {
        let records = scale ?? context.settings.records
        guard let entity = await context.state.artefact(InitialLoadBenchmark.artefactKey(records)) else {
            throw BenchError("the replay re-reads the initial load's topic: run initial-load at \(records) first")
        }
        let run = try await IngressRun.prepare(context, entity: entity, create: false)
        do {
            try await run.database.execute("TRUNCATE profiles", [])
            try await run.database.execute("DELETE FROM crmbridge.tombstones", [])
            try await run.admin.resetOffsets(group: run.group, topic: run.topic, to: .earliest)
        } catch {
            await run.finish([], dropDatabase: true)
            throw error
        }
        let timed = try await TimedDrain.measure(
            run, roles: ["reader", "writer"], records: records, fullLoad: false, phase: name, keepDatabase: false)
        await context.state.setArtefact(InitialLoadBenchmark.artefactKey(records), nil)
        let (_, _, figures) = Throughput.figures(
            id: "replay", label: "Replay from earliest", records: records, drain: timed.drain, started: timed.started,
            target: .atLeast(30_000))
        return figures + PeakMemory.figures(phase: "replay", roles: ["reader", "writer"], peaks: timed.peaks, scale: records)
            + timed.cpu
    }
}
