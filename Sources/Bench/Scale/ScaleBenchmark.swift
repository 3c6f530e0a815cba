import CoreValues
import Foundation
import KafkaBridge
import PostgresBridge
import WorkflowRuntime

/// Issue 17: crm-to-campaign at 15 million contacts (`BENCH_PROFILE=scale`, N from
/// `BENCH_N`, not part of the default run). Three phases on one entity with deletes
/// enabled, each with fresh reader and writer processes:
///
/// 1. `initial-load`: the first full load of N contacts (reconciliation included);
/// 2. `replay`: `profiles` emptied, the writer group moved to earliest, all N re-applied;
/// 3. `second-load`: 1% of the contacts changed and 1% deleted in the CRM, then a resync
///    (a full load again, as `crmbridge replay --resync` asks for), whose reconciliation
///    publishes the deletes.
///
/// Then both sides are counted and checksummed (`ScaleChecksum`). Figures: total time and
/// records/s per phase, records/s per slice of a million (does it decay as the table
/// grows?), peak memory of every process and the roles' memory at every slice, and the
/// cluster's disk.
struct ScaleBenchmark: Benchmark {
    let name = "scale"
    let summary = "crm-to-campaign at scale: initial load with deletes, replay, second load after 1% changed and 1% deleted"
    let perScale = false
    let inDefaultRun = false
    static let entity = "scale"
    /// Issue 17's bars.
    static let phaseSeconds = 900.0
    static let sliceRatio = 0.7
    static let roleGrowthMegabytes = 15.0
    /// The bulk-load settings an operator gives the roles' clients in
    /// `connections.kafka.properties` (docs/performance.md, "Scale"):
    /// - `compression.type=lz4`: the local broker, which keeps only 5 MiB of each
    ///   partition, holds N in ~2.5 times fewer partitions (at 15M, 750 instead of 1,875),
    ///   and every producer batch, fetch and lag reading spans fewer of them;
    /// - `linger.ms=100`: a partition's batch waits until the reader's whole send (up to
    ///   25,000 records, `EnvelopePublisher.maxRecordsPerSend`) is enqueued, where the
    ///   default 5 ms cuts it into several while the send is still being enqueued.
    static let kafkaProperties = ["compression.type": "lz4", "linger.ms": "100"]

    /// Slices of a million; a tenth of N below ten million, so a small run still shows a curve.
    static func slice(_ records: Int) -> Int {
        records >= 10_000_000 ? 1_000_000 : max(1000, records / 10)
    }

    func run(_ context: BenchContext, scale _: Int?) async throws -> [Figure] {
        let records = context.settings.records
        let slice = Self.slice(records)
        var figures: [Figure] = []

        let seeding = ContinuousClock.now
        try await context.ensureEmulatorContacts(records)
        figures += emulatorFigures(context, records: records, seconds: Stopwatch.seconds(since: seeding))

        // 1. The initial load, deletes enabled (the ledger, then the reconciliation).
        var run = try await IngressRun.prepare(context, entity: Self.entity, deletes: true, kafkaProperties: Self.kafkaProperties)
        let load = try await ScalePhase.measure(
            run, name: "initial-load", slice: slice, timeout: InitialLoadBenchmark.timeout(records)) { run in
            try await run.lastImport() != nil
        }
        figures += try await phaseFigures(load, context: context, records: records, slice: slice, target: true)
        try await expectProfiles(records, after: "the initial load", context: context)

        // 2. The replay from earliest into an emptied profiles.
        run = try await IngressRun.prepare(context, entity: Self.entity, create: false, deletes: true, kafkaProperties: Self.kafkaProperties)
        try await run.database.execute("TRUNCATE profiles", [])
        try await run.database.execute("DELETE FROM crmbridge.tombstones", [])
        try await run.admin.resetOffsets(group: run.group, topic: run.topic, to: .earliest)
        let replay = try await ScalePhase.measure(
            run, name: "replay", slice: slice, timeout: InitialLoadBenchmark.timeout(records)) { _ in true }
        figures += try await phaseFigures(replay, context: context, records: records, slice: slice, target: true)
        try await expectProfiles(records, after: "the replay", context: context)

        // 3. 1% changed and 1% deleted in the CRM, then a resync (a second full load).
        run = try await IngressRun.prepare(context, entity: Self.entity, create: false, deletes: true, kafkaProperties: Self.kafkaProperties)
        let changes = try await ScaleChanges.choose(from: run.database)
        let changing = ContinuousClock.now
        try await changes.apply(to: context.stack.emulator)
        await context.state.setEmulatorContacts(nil)
        context.logger.notice("changed \(changes.changed.count) and deleted \(changes.deleted.count) contacts in \(Int(Stopwatch.seconds(since: changing))) s")
        let state = ConnectorStateStore(database: run.database)
        try await state.set(.crmToCampaign, entity: Self.entity, .resyncRequested, DateTimeText.rfc3339(Date()))
        let second = try await ScalePhase.measure(
            run, name: "second-load", slice: slice, timeout: InitialLoadBenchmark.timeout(records)) { run in
            try await ConnectorStateStore(database: run.database).get(.crmToCampaign, entity: Self.entity, .resyncRequested) == nil
        }
        figures += try await phaseFigures(second, context: context, records: records, slice: slice, target: false)
        figures += try await verification(context, changes: changes, records: records)
        await context.stack.dropDatabase("bench_" + Self.entity)
        return figures
    }

    func brokerTopics(scale _: Int?, settings: BenchSettings) -> [BrokerTopic] {
        [BrokerTopic(name: Topics.crmToCampaign(entity: Self.entity), partitions: BenchSettings.partitions(holdingCompressed: settings.records))]
    }

    private func expectProfiles(_ expected: Int, after what: String, context: BenchContext) async throws {
        let run = try await IngressRun.prepare(context, entity: Self.entity, create: false, deletes: true, kafkaProperties: Self.kafkaProperties)
        let count = try await run.profileCount()
        await run.finish([], dropDatabase: false)
        guard count == expected else { throw BenchError("\(count) profiles after \(what) of \(expected)") }
    }

    private func emulatorFigures(_ context: BenchContext, records: Int, seconds: Double) -> [Figure] {
        guard let emulator = context.stack.infrastructure.first(where: { $0.name == "emulator" }),
              let resident = ProcessMemory.resident(emulator.pid) else { return [] }
        return [
            Figure(id: "scale.emulator.rss", workflow: "scale", label: "Emulator RSS holding N contacts",
                   value: Double(resident) / 1_048_576, unit: "MB", scale: records,
                   note: String(format: "VmRSS after seeding (%.0f s to seed)", seconds)),
        ]
    }

    /// Total time and rate, the slices, memory and disk of one phase.
    private func phaseFigures(
        _ phase: ScalePhase.Result, context: BenchContext, records: Int, slice: Int, target: Bool
    ) async throws -> [Figure] {
        let id = "scale.\(phase.name)"
        var figures = [
            Figure(id: "\(id).seconds", workflow: "scale", label: "\(phase.name): total time", value: phase.seconds, unit: "s",
                   scale: records, target: target ? .atMost(Self.phaseSeconds) : nil,
                   note: "from Start until every record is committed (\(BenchReport.count(phase.committed)) messages)"),
            Figure(id: "\(id).rate", workflow: "scale", label: "\(phase.name): records/s", value: Double(phase.committed) / phase.seconds,
                   unit: "records/s", scale: records),
        ]
        let rates = phase.sliceRates(slice: slice)
        for (end, rate) in rates {
            figures.append(Figure(id: "\(id).slice", workflow: "scale-series", label: "\(phase.name): records/s by slice",
                                  value: rate, unit: "records/s", scale: end))
        }
        if let first = rates.first?.rate, let slowest = rates.map(\.rate).min() {
            figures.append(Figure(
                id: "\(id).slice-ratio", workflow: "scale", label: "\(phase.name): slowest slice / first", value: slowest / first,
                unit: "ratio", scale: records, target: phase.name == "initial-load" ? .atLeast(Self.sliceRatio) : nil,
                note: "\(rates.count) slices of \(BenchReport.count(slice)); the first from the writer group's first commit"))
        }
        for role in ["reader", "writer"] {
            for point in phase.points {
                figures.append(Figure(id: "scale.rss.\(phase.name).\(role)", workflow: "scale-series",
                                      label: "\(phase.name): \(role) RSS by slice",
                                      value: Double(point.roleResident[role] ?? 0) / 1_048_576, unit: "MB", scale: point.committed))
            }
            let peak = Double(phase.rolePeaks[role] ?? 0) / 1_048_576
            figures.append(Figure(id: "scale.rss-peak.\(phase.name).\(role)", workflow: "scale",
                                  label: "\(phase.name): peak RSS \(role)", value: peak, unit: "MB", scale: records,
                                  target: .atMost(PeakMemory.targetMegabytes), note: "VmHWM of the \(role) process"))
            if let first = phase.points.first?.rolePeak[role] {
                figures.append(Figure(
                    id: "scale.rss-growth.\(phase.name).\(role)", workflow: "scale", label: "\(phase.name): \(role) peak growth after slice 1",
                    value: peak - Double(first) / 1_048_576, unit: "MB", scale: records, target: .atMost(Self.roleGrowthMegabytes),
                    note: "VmHWM at the end − VmHWM at \(BenchReport.count(phase.points[0].committed)) committed (flat in N)"))
            }
        }
        for (part, bytes) in phase.infrastructurePeaks.sorted(by: { $0.key < $1.key }) {
            figures.append(Figure(
                id: "scale.rss-peak.\(phase.name).\(part)", workflow: "scale", label: "\(phase.name): peak RSS \(part)",
                value: Double(bytes) / 1_048_576, unit: "MB", scale: records,
                note: part == "postgres" ? "sum of Pss of the postmaster and its backends, sampled every 5 s"
                    : part == "broker" ? "VmHWM; the local broker keeps its log in memory (it is also its disk)" : "VmHWM"))
        }
        figures += try await diskFigures(phase, context: context, records: records)
        return figures + phase.cpu
    }

    /// The cluster's size at its peak during the phase and at its end, WAL included.
    private func diskFigures(_ phase: ScalePhase.Result, context: BenchContext, records: Int) async throws -> [Figure] {
        let run = try await IngressRun.prepare(context, entity: Self.entity, create: false, deletes: true, kafkaProperties: Self.kafkaProperties)
        let rows: PostgresRows
        do {
            rows = try await run.database.query("""
                SELECT (SELECT sum(pg_database_size(oid)) FROM pg_database)::bigint AS databases,
                       pg_total_relation_size('profiles')::bigint AS profiles,
                       (SELECT coalesce(sum(size), 0) FROM pg_ls_waldir())::bigint AS wal
                """, [])
        } catch {
            await run.finish([], dropDatabase: false)
            throw error
        }
        await run.finish([], dropDatabase: false)
        let megabytes = { (column: String) in Double(try rows.int(0, column) ?? 0) / 1_048_576 }
        return [
            Figure(id: "scale.disk.\(phase.name).databases", workflow: "scale", label: "\(phase.name): PostgreSQL databases at end",
                   value: try megabytes("databases"), unit: "MB", scale: records,
                   note: String(format: "peak %.0f MB during the phase (the ledger of ids included)", Double(phase.peakClusterBytes) / 1_048_576)),
            Figure(id: "scale.disk.\(phase.name).profiles", workflow: "scale", label: "\(phase.name): profiles with its indexes",
                   value: try megabytes("profiles"), unit: "MB", scale: records),
            Figure(id: "scale.wal.\(phase.name).written", workflow: "scale", label: "\(phase.name): WAL written per record",
                   value: Double(phase.walBytes) / Double(max(phase.committed, 1)), unit: "B/record",
                   scale: records,
                   note: String(format: "%.0f MB of WAL in all, %d checkpoints during the phase", Double(phase.walBytes) / 1_048_576, phase.checkpoints)),
            Figure(id: "scale.disk.\(phase.name).wal", workflow: "scale", label: "\(phase.name): PostgreSQL WAL directory",
                   value: try megabytes("wal"), unit: "MB", scale: records, note: "pg_wal, bounded by max_wal_size"),
        ]
    }

    /// The second load's deletes and changes, exact: both sides counted and checksummed.
    private func verification(_ context: BenchContext, changes: ScaleChanges, records: Int) async throws -> [Figure] {
        let started = ContinuousClock.now
        let crm = try await ScaleChecksum.crm(context.stack.emulator, pageSize: context.settings.pageSize)
        let run = try await IngressRun.prepare(context, entity: Self.entity, create: false, deletes: true, kafkaProperties: Self.kafkaProperties)
        let campaign: ScaleChecksum
        let changedRows: Int
        do {
            campaign = try await ScaleChecksum.campaign(run.database)
            changedRows = try await run.database.query(
                "SELECT count(*) AS count FROM profiles WHERE phone LIKE 'scale-%'", []).int(0, "count") ?? -1
        } catch {
            await run.finish([], dropDatabase: false)
            throw error
        }
        await run.finish([], dropDatabase: false)
        context.logger.notice("verified in \(Int(Stopwatch.seconds(since: started))) s: CRM \(crm), Campaign \(campaign)")
        let expectedRows = records - changes.deleted.count
        return [
            Figure(id: "scale.verify.rows-missing-or-extra", workflow: "scale", label: "second load: |Campaign rows − CRM contacts|",
                   value: Double(abs(campaign.count - crm.count)), unit: "count", scale: records, target: .atMost(0),
                   note: "CRM \(BenchReport.count(crm.count)), Campaign \(BenchReport.count(campaign.count)), expected \(BenchReport.count(expectedRows)) after \(BenchReport.count(changes.deleted.count)) deletes"),
            Figure(id: "scale.verify.deletes-missed", workflow: "scale", label: "second load: deletes missed or extra",
                   value: Double(abs(campaign.count - expectedRows)), unit: "count", scale: records, target: .atMost(0)),
            Figure(id: "scale.verify.changes-missed", workflow: "scale", label: "second load: changes missed or extra",
                   value: Double(abs(changedRows - changes.changed.count)), unit: "count", scale: records, target: .atMost(0),
                   note: "\(BenchReport.count(changedRows)) rows carry a change marker, \(BenchReport.count(changes.changed.count)) were changed"),
            Figure(id: "scale.verify.checksum-match", workflow: "scale", label: "second load: checksums equal (1 = yes)",
                   value: crm == campaign ? 1 : 0, unit: "count", scale: records, target: .atLeast(1),
                   note: "CRM \(String(crm.sum, radix: 16)), Campaign \(String(campaign.sum, radix: 16)): id, modified, five fields"),
        ]
    }
}
