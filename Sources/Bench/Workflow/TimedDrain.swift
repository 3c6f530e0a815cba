import Foundation

/// The timed part every throughput benchmark of crm-to-campaign shares: role processes
/// up and idle, Start, wait until the writer group committed all N (and, for a full load,
/// the reader stored LASTIMPORT), check the row count, stop the roles. What happens
/// before (seeding, pre-filling a topic, resetting offsets) is each benchmark's own.
struct TimedDrain {
    var drain: IngressRun.Drain
    var started: ContinuousClock.Instant
    /// CPU per 1,000 records of every part, for the phase.
    var cpu: [Figure]
    /// Peak RSS of each role, in the order of `roles`.
    var peaks: [Int]

    /// On failure the roles' log tails are logged and the run's database dropped.
    static func measure(
        _ run: IngressRun, roles names: [String], records: Int, fullLoad: Bool, phase: String, keepDatabase: Bool
    ) async throws -> TimedDrain {
        let context = run.context
        var roles: [ChildProcess] = []
        do {
            for name in names { roles.append(try await run.spawn(name)) }
            let cpu = context.stack.cpuAccount(roles: Array(zip(names, roles)))
            let before = cpu.snapshot()
            let started = ContinuousClock.now
            try await run.start()
            let drain = try await run.waitDrained(
                records: records, fullLoad: fullLoad, timeout: InitialLoadBenchmark.timeout(records), roles: roles)
            let cpuFigures = CPUAccount.figures(from: before, to: cpu.snapshot(), records: records, phase: phase, scale: records)
            let count = try await run.profileCount()
            guard count == records else { throw BenchError("\(count) profiles after \(phase) of \(records)") }
            let peaks = roles.map { $0.peakResidentBytes ?? 0 }
            await run.finish(roles, dropDatabase: !keepDatabase)
            return TimedDrain(drain: drain, started: started, cpu: cpuFigures, peaks: peaks)
        } catch {
            for role in roles { context.logger.error("role log", metadata: ["role": "\(role.name)", "tail": "\(role.logTail(1500))"]) }
            await run.finish(roles, dropDatabase: true)
            throw error
        }
    }
}
