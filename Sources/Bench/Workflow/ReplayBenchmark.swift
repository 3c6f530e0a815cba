import Foundation
import Shared

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
        var roles: [ChildProcess] = []
        do {
            try await run.database.execute("TRUNCATE profiles", [])
            try await run.database.execute("DELETE FROM crmbridge.tombstones", [])
            try await run.admin.resetOffsets(group: run.group, topic: run.topic, to: .earliest)
            roles = [try await run.spawn("reader"), try await run.spawn("writer")]
            let cpu = context.stack.cpuAccount(roles: [("reader", roles[0]), ("writer", roles[1])])
            let before = cpu.snapshot()
            let started = ContinuousClock.now
            try await run.start()
            let drain = try await run.waitDrained(
                records: records, fullLoad: false, timeout: InitialLoadBenchmark.timeout(records), roles: roles)
            let cpuFigures = CPUAccount.figures(from: before, to: cpu.snapshot(), records: records, phase: name, scale: records)
            let count = try await run.profileCount()
            guard count == records else { throw BenchError("\(count) profiles after the replay of \(records)") }
            let peaks = roles.map { $0.peakResidentBytes ?? 0 }
            await run.finish(roles, dropDatabase: true)
            await context.state.setArtefact(InitialLoadBenchmark.artefactKey(records), nil)
            let (_, _, figures) = Throughput.figures(
                id: "replay", label: "Replay from earliest", records: records, drain: drain, started: started,
                target: .atLeast(30_000))
            return figures + PeakMemory.figures(phase: "replay", roles: ["reader", "writer"], peaks: peaks, scale: records) + cpuFigures
        } catch {
            for role in roles { context.logger.error("role log", metadata: ["role": "\(role.name)", "tail": "\(role.logTail(1500))"]) }
            await run.finish(roles, dropDatabase: true)
            throw error
        }
    }
}
