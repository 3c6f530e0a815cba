import Foundation
import WorkflowRuntime

/// campaign-to-crm end to end: N email events in Campaign's `email_events` table, the
/// egress reader and writer each its own `EgressService` process (reader → Kafka →
/// writer), into the emulator's Dynamics activity tables with an unlimited budget.
/// - records/s from Start until every event is an activity record, and against the raw
///   write ceiling `egress-crm` measured in the same run (a plain client sending
///   `UpsertMultiple` calls), when it ran at the same N;
/// - peak RSS (`VmHWM`) of the reader and the writer at every size, and how much it grew
///   from the smallest size to the largest (flat: the processes hold a page and a poll,
///   never the backlog);
/// - lost and duplicated records, counted in the emulator, and rejects (none expected).
///
/// Sizes: 100,000 and `BENCH_EGRESS_N` (default 200,000); `BENCH_PROFILE=full` adds
/// 1,000,000 (minutes more: the emulator's sorted inserts slow as its tables grow).
struct EgressEndToEndBenchmark: Benchmark {
    let name = "egress-e2e"
    let summary = "campaign-to-crm end to end: email_events → reader → Kafka → writer → CRM, records/s, peak RSS, loss"
    let perScale = false

    static let contacts = 2_000
    static let roles = ["reader", "writer"]

    /// The sizes measured, ascending.
    static func sizes(_ settings: BenchSettings) -> [Int] {
        var sizes: Set<Int> = [settings.egressEvents]
        if settings.egressEvents > 100_000 { sizes.insert(100_000) }
        if settings.profile == .full { sizes.insert(1_000_000) }
        return sizes.sorted()
    }

    func run(_ context: BenchContext, scale: Int?) async throws -> [Figure] {
        var figures: [Figure] = []
        var peaks: [Int: [Int]] = [:]
        for events in Self.sizes(context.settings) {
            // A size that cannot finish (the 1M point is long) is reported beside the
            // figures of the others rather than losing them.
            do {
                let measured = try await measure(context, events: events)
                figures += measured.figures
                peaks[events] = measured.peaks
            } catch {
                context.logger.error("egress end to end failed", metadata: ["events": "\(events)", "error": "\(error)"])
                await context.state.record(BenchFailure(benchmark: name, scale: events, error: "\(error)"))
            }
        }
        figures += Self.growth(peaks)
        return figures
    }

    func brokerTopics(scale: Int?, settings: BenchSettings) -> [BrokerTopic] {
        // Every size publishes to the same topic (its name is fixed): it must hold them all.
        let total = Self.sizes(settings).reduce(0, +)
        return [BrokerTopic(name: Topics.emailEvents, partitions: BenchSettings.partitions(holding: total))]
    }

    private func measure(_ context: BenchContext, events: Int) async throws -> (figures: [Figure], peaks: [Int]) {
        // Empty activity tables for every size: the emulator's inserts slow as a table grows.
        await context.state.setEmulatorContacts(-1)
        try await context.ensureEmulatorContacts(Self.contacts)
        await context.state.setDataset(nil)
        let contacts = try await context.dataset(Self.contacts).ids
        let run = try await EgressRun.prepare(context, events: events)
        var roles: [ChildProcess] = []
        do {
            try await run.insertEvents(events, contacts: contacts)
            for role in Self.roles { roles.append(try await run.spawn(role)) }
            let cpu = context.stack.cpuAccount(roles: Array(zip(Self.roles, roles)))
            let before = cpu.snapshot()
            let started = ContinuousClock.now
            try await run.start()
            let drain = try await waitWritten(run, events: events, roles: roles)
            let cpuFigures = CPUAccount.figures(from: before, to: cpu.snapshot(), records: events, phase: name, scale: events)
            // The writer commits after the CRM answered: lag 0 means nothing is left to send.
            try await Stopwatch.waitUntil("the writer group to commit every event", timeout: .seconds(120)) {
                try await run.lag() == 0
            }
            let stored = try await run.activityCount()
            let rejects = try await run.rejectCount()
            let peaks = roles.map { $0.peakResidentBytes ?? 0 }
            await run.finish(roles)
            return (try await figures(context, events: events, drain: drain, started: started, stored: stored, rejects: rejects, peaks: peaks)
                + cpuFigures, peaks)
        } catch {
            for role in roles { context.logger.error("role log", metadata: ["role": "\(role.name)", "tail": "\(role.logTail(1500))"]) }
            await run.finish(roles)
            throw error
        }
    }

    /// When every event was seen as an activity record, and when the first was.
    struct Drain {
        var done: ContinuousClock.Instant
        var first: ContinuousClock.Instant?
    }

    private func waitWritten(_ run: EgressRun, events: Int, roles: [ChildProcess]) async throws -> Drain {
        var first: ContinuousClock.Instant?
        var lastReport = ContinuousClock.now
        try await Stopwatch.waitUntil("\(events) email events in the CRM", timeout: .seconds(max(600, events / 200)), interval: .milliseconds(200)) {
            for role in roles where !role.isRunning { throw BenchError("\(role.name) exited: \(role.logTail())") }
            let stored = try await run.activityCount()
            if first == nil, stored > 0 { first = .now }
            if ContinuousClock.now - lastReport > .seconds(10) {
                lastReport = .now
                run.context.logger.info("progress", metadata: ["benchmark": "\(name)", "events": "\(events)", "inCRM": "\(stored)"])
            }
            return stored >= events
        }
        return Drain(done: .now, first: first)
    }

    private func figures(
        _ context: BenchContext, events: Int, drain: Drain, started: ContinuousClock.Instant, stored: Int, rejects: Int, peaks: [Int]
    ) async throws -> [Figure] {
        let workflow = "campaign-to-crm"
        let seconds = (drain.done - started).seconds
        let rate = Double(events) / seconds
        var note = String(format: "%.1f s from Start", seconds)
        if let first = drain.first, drain.done > first {
            note += String(format: "; first record after %.1f s, %.0f records/s from then", (first - started).seconds,
                           Double(events) / (drain.done - first).seconds)
        }
        var figures = [Figure(
            id: "\(name).rate", workflow: workflow, label: "Egress end to end, email_events to CRM (Dynamics, unlimited)",
            value: rate, unit: "records/s", scale: events, note: note)]
        // egress-crm's plain client at the same N, when it ran in this run: the same
        // UpsertMultiple calls of 1,000, four at once, into one activity table.
        if let ceiling = await context.figure("ceiling.dynamics-upsertmultiple", scale: events) {
            figures.append(Figure(
                id: "\(name).ratio", workflow: workflow, label: "Egress end to end / raw UpsertMultiple",
                value: rate / ceiling.value, unit: "ratio", scale: events, target: .atLeast(0.7),
                note: "ceiling \(Int(ceiling.value)) records/s (egress-crm, same run)"))
        }
        for (role, bytes) in zip(Self.roles, peaks) {
            figures.append(Figure(
                id: "rss.\(name).\(role)", workflow: workflow, label: "Peak RSS egress \(role) (\(name))",
                value: Double(bytes) / 1_048_576, unit: "MB", scale: events, target: .atMost(PeakMemory.targetMegabytes),
                note: "VmHWM of the \(role) process"))
        }
        figures += [
            Figure(id: "\(name).lost", workflow: workflow, label: "Egress end to end: lost records", value: Double(max(0, events - stored)),
                   unit: "records", scale: events, target: .atMost(0), note: "\(stored) activity records in the emulator"),
            Figure(id: "\(name).duplicated", workflow: workflow, label: "Egress end to end: duplicated records",
                   value: Double(max(0, stored - events)), unit: "records", scale: events, target: .atMost(0)),
            Figure(id: "\(name).rejects", workflow: workflow, label: "Egress end to end: rejects", value: Double(rejects),
                   unit: "records", scale: events, target: .atMost(0), note: "crmbridge.rejects (every bench event is valid)"),
        ]
        return figures
    }

    /// Peak RSS at the largest size over the smallest, per role: flat is close to 1.
    static func growth(_ peaks: [Int: [Int]]) -> [Figure] {
        guard let smallest = peaks.keys.min(), let largest = peaks.keys.max(), smallest < largest,
              let low = peaks[smallest], let high = peaks[largest] else { return [] }
        return roles.indices.compactMap { index in
            guard low[index] > 0 else { return nil }
            return Figure(
                id: "rss.egress-e2e.\(roles[index]).growth", workflow: "campaign-to-crm",
                label: "Peak RSS egress \(roles[index]): \(largest) / \(smallest) events",
                value: Double(high[index]) / Double(low[index]), unit: "ratio", scale: largest, target: .atMost(1.2),
                note: String(format: "%.0f MB at %d, %.0f MB at %d (flat: at most 1.2)",
                             Double(low[index]) / 1_048_576, smallest, Double(high[index]) / 1_048_576, largest))
        }
    }
}
