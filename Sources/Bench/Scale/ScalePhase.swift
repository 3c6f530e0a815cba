import Foundation
import PostgresBridge

/// One timed phase of the scale profile: fresh reader and writer processes, Start, then
/// a watch once a second until `isDone` holds and the writer group has no lag. What is
/// watched: the writer group's committed position (the sum over partitions of high
/// watermark − lag), cut into slices of `slice` records, each with its rate and the
/// roles' memory at its end; the peak memory of every process of the stack; the peak
/// size of the cluster's databases.
struct ScalePhase {
    /// A point where the committed position crossed a slice boundary.
    struct SlicePoint: Sendable {
        /// Records committed in this phase so far.
        var committed: Int
        var at: ContinuousClock.Instant
        /// `VmRSS` of each role at that moment.
        var roleResident: [String: Int]
        /// `VmHWM` of each role at that moment.
        var rolePeak: [String: Int]
    }

    struct Result: Sendable {
        var name: String
        var started: ContinuousClock.Instant
        var done: ContinuousClock.Instant
        var committed: Int
        var firstCommit: (at: ContinuousClock.Instant, committed: Int)?
        var points: [SlicePoint]
        /// `VmHWM` of each role just before it was stopped.
        var rolePeaks: [String: Int]
        /// Peak memory of the emulator, the broker (`VmHWM`) and PostgreSQL (sum of `Pss`, sampled).
        var infrastructurePeaks: [String: Int]
        var peakClusterBytes: Int
        /// WAL the cluster wrote during the phase, and the checkpoints it made.
        var walBytes: Int
        var checkpoints: Int
        var cpu: [Figure]

        var seconds: Double { (done - started).seconds }

        /// Records/s of each slice, with the committed count at its end. The first slice
        /// counts from the writer group's first commit (not from Start: the ~3 s start-up
        /// would make the first slice look slow and the decay look smaller); a last partial
        /// slice counts when it holds at least half a slice.
        func sliceRates(slice: Int) -> [(end: Int, rate: Double)] {
            guard let firstCommit else { return [] }
            var rates: [(end: Int, rate: Double)] = []
            var previous = (at: firstCommit.at, committed: firstCommit.committed)
            var ends = points.map { (at: $0.at, committed: $0.committed) }
            let lastEnd = ends.last?.committed ?? firstCommit.committed
            if ends.isEmpty || committed - lastEnd >= slice / 2 { ends.append((at: done, committed: committed)) }
            for end in ends where end.at > previous.at && end.committed > previous.committed {
                rates.append((end.committed, Double(end.committed - previous.committed) / (end.at - previous.at).seconds))
                previous = end
            }
            return rates
        }
    }

    static func measure(
        _ run: IngressRun, name: String, slice: Int, timeout: Duration,
        isDone: @escaping @Sendable (IngressRun) async throws -> Bool
    ) async throws -> Result {
        let context = run.context
        let names = ["reader", "writer"]
        var roles: [ChildProcess] = []
        do {
            for role in names { roles.append(try await run.spawn(role)) }
            let infrastructure = context.stack.infrastructure
            var infrastructurePeaks: [String: Int] = [:]
            var peakCluster = try await clusterBytes(run.database)
            let cpu = context.stack.cpuAccount(roles: Array(zip(names, roles)))
            let before = cpu.snapshot()
            let baseline = try await committedPosition(run).committed
            let walBefore = try await walState(run.database)
            let started = ContinuousClock.now
            try await run.start()

            var firstCommit: (at: ContinuousClock.Instant, committed: Int)?
            var points: [SlicePoint] = []
            var lastSample = ContinuousClock.now - .seconds(60)
            var lastLog = ContinuousClock.now
            var committed = 0
            let deadline = started + timeout
            while true {
                for role in roles where !role.isRunning { throw BenchError("\(role.name) exited: \(role.logTail())") }
                // Asked before the lag is read: what was published before it held is then in the lag.
                let finished = try await isDone(run)
                let position = try await committedPosition(run)
                committed = position.committed - baseline
                let now = ContinuousClock.now
                if firstCommit == nil, committed > 0 { firstCommit = (now, committed) }
                while committed >= (points.count + 1) * slice {
                    points.append(SlicePoint(
                        committed: committed, at: now,
                        roleResident: Dictionary(uniqueKeysWithValues: zip(names, roles.map { $0.residentBytes ?? 0 })),
                        rolePeak: Dictionary(uniqueKeysWithValues: zip(names, roles.map { $0.peakResidentBytes ?? 0 }))))
                }
                if now - lastSample >= .seconds(5) {
                    lastSample = now
                    for part in infrastructure {
                        let bytes = part.withChildren ? ProcessMemory.treeProportional(part.pid) : ProcessMemory.peak(part.pid) ?? 0
                        infrastructurePeaks[part.name] = max(infrastructurePeaks[part.name] ?? 0, bytes)
                    }
                    peakCluster = max(peakCluster, try await clusterBytes(run.database))
                }
                if now - lastLog >= .seconds(30) {
                    lastLog = now
                    context.logger.notice("\(name): \(BenchReport.count(committed)) committed, lag \(position.lag)")
                }
                if finished, position.lag == 0, committed > 0 { break }
                guard now < deadline else { throw BenchError("timed out after \(timeout) in \(name) at \(committed) committed") }
                try await Task.sleep(for: .seconds(1))
            }
            let done = ContinuousClock.now
            let walAfter = try await walState(run.database)
            let cpuFigures = CPUAccount.figures(
                from: before, to: cpu.snapshot(), records: max(committed, 1), phase: "scale-\(name)", scale: committed)
            for part in infrastructure where !part.withChildren {
                infrastructurePeaks[part.name] = max(infrastructurePeaks[part.name] ?? 0, ProcessMemory.peak(part.pid) ?? 0)
            }
            let rolePeaks = Dictionary(uniqueKeysWithValues: zip(names, roles.map { $0.peakResidentBytes ?? 0 }))
            await run.finish(roles, dropDatabase: false)
            return Result(
                name: name, started: started, done: done, committed: committed, firstCommit: firstCommit, points: points,
                rolePeaks: rolePeaks, infrastructurePeaks: infrastructurePeaks, peakClusterBytes: peakCluster,
                walBytes: walAfter.position - walBefore.position, checkpoints: walAfter.checkpoints - walBefore.checkpoints,
                cpu: cpuFigures)
        } catch {
            for role in roles { context.logger.error("role log", metadata: ["role": "\(role.name)", "tail": "\(role.logTail(1500))"]) }
            await run.finish(roles, dropDatabase: false)
            throw error
        }
    }

    /// The writer group's position on the run's topic: the sum over partitions of what it
    /// committed (high watermark − lag), and its lag.
    static func committedPosition(_ run: IngressRun) async throws -> (committed: Int, lag: Int) {
        let lag = try await run.admin.lag(group: run.group, topics: [run.topic])
        let high = lag.partitions.reduce(Int64(0)) { $0 + $1.highWatermark }
        return (Int(high - lag.total), Int(lag.total))
    }

    /// The cluster's WAL position (bytes since 0/0) and how many checkpoints it has made:
    /// the WAL a phase writes, and how much of it the checkpoints' full-page images cost.
    static func walState(_ database: PostgresConnection) async throws -> (position: Int, checkpoints: Int) {
        let rows = try await database.query("""
            SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint AS position,
                   (checkpoints_timed + checkpoints_req)::bigint AS checkpoints FROM pg_stat_bgwriter
            """, [])
        return (try rows.int(0, "position") ?? 0, try rows.int(0, "checkpoints") ?? 0)
    }

    /// Bytes of every database of the cluster.
    static func clusterBytes(_ database: PostgresConnection) async throws -> Int {
        try await database.query("SELECT sum(pg_database_size(oid))::bigint AS bytes FROM pg_database", [])
            .int(0, "bytes") ?? 0
    }
}
