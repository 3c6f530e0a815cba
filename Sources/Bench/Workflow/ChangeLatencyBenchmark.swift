import Config
import CoreValues
import Foundation
import PostgresBridge

/// crm-to-campaign, measure 3: change latency. After a full load of a few thousand
/// contacts, the bench changes contacts through the emulator's Web API (`PATCH
/// contacts(<id>)`, `telephone1` set to a unique marker) at a steady rate, and a trigger
/// on `profiles` NOTIFYs the bench when a marker lands (at the writer's commit). Latency =
/// notification received − PATCH sent, both on the bench's clock. Also: messages the
/// reader published per change, counted once the look-back of the last change is read.
struct ChangeLatencyBenchmark: Benchmark {
    let name = "change-latency"
    let summary = "crm-to-campaign: CRM change to row visible in Campaign, at a steady rate"
    let perScale = false
    static let channel = "bench_latency"

    func run(_ context: BenchContext, scale: Int?) async throws -> [Figure] {
        let settings = context.settings
        try await context.ensureEmulatorContacts(settings.latencyContacts)
        let run = try await IngressRun.prepare(context, entity: "latency", interval: settings.latencyInterval)
        var roles: [ChildProcess] = []
        do {
            roles = [try await run.spawn("reader"), try await run.spawn("writer")]
            try await run.start()
            _ = try await run.waitDrained(records: settings.latencyContacts, fullLoad: true, timeout: .seconds(300), roles: roles)
            let ids = try await contactIDs(run)
            let listener = try await listen(run, context)
            let cpu = context.stack.cpuAccount(roles: [("reader", roles[0]), ("writer", roles[1])])
            let before = cpu.snapshot()
            let publishedBefore = try await published(run)
            let result = try await drive(context, ids: ids, listener: listener)
            let cpuFigures = CPUAccount.figures(from: before, to: cpu.snapshot(), records: result.planned, phase: name, scale: nil)
            let perChange = try await publishedPerChange(run, since: publishedBefore, result: result)
            await listener.close()
            await run.finish(roles, dropDatabase: true)
            return figures(result, settings: settings) + [perChange] + cpuFigures
        } catch {
            for role in roles { context.logger.error("role log", metadata: ["role": "\(role.name)", "tail": "\(role.logTail(1500))"]) }
            await run.finish(roles, dropDatabase: true)
            throw error
        }
    }

    private func contactIDs(_ run: IngressRun) async throws -> [String] {
        let rows = try await run.database.query("SELECT crm_id FROM profiles ORDER BY crm_id", [])
        return (0..<rows.rowCount).compactMap { rows[$0, 0] }
    }

    /// A trigger that NOTIFYs each marker when its row is written, and a session listening.
    private func listen(_ run: IngressRun, _ context: BenchContext) async throws -> PostgresConnection {
        try await run.database.executeScript("""
            CREATE FUNCTION bench_latency_notify() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_notify('\(Self.channel)', NEW.phone); RETURN NULL; END $$;
            CREATE TRIGGER bench_latency AFTER INSERT OR UPDATE ON profiles FOR EACH ROW
                WHEN (NEW.phone LIKE 'LAT%') EXECUTE FUNCTION bench_latency_notify();
            """)
        let listener = try await PostgresConnection.connect(url: Secret(run.databaseURL), logger: context.logger)
        try await listener.listen(channel: Self.channel)
        return listener
    }

    struct Result {
        var latencies: [Double]
        var planned: Int
        var failedWrites: Int
        var sendSeconds: Double
    }

    /// Sends `rate × duration` changes on a fixed schedule (each its own task, so a slow
    /// answer never delays the next), then waits up to 30 s for the last ones to land.
    private func drive(_ context: BenchContext, ids: [String], listener: PostgresConnection) async throws -> Result {
        let settings = context.settings
        let emulator = context.stack.emulator
        let token = try await emulator.token()
        let planned = settings.latencyRate * Int(settings.latencyDuration.components.seconds)
        let log = LatencyLog(count: planned)
        let origin = ContinuousClock.now
        let receiver = Task {
            for await notification in listener.notifications {
                guard let index = Int(notification.payload.dropFirst(3)) else { continue }
                if log.received(index, at: (ContinuousClock.now - origin).seconds) == planned { return }
            }
        }
        let period = Duration.seconds(1) / settings.latencyRate
        let start = origin + .milliseconds(100)
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<planned {
                try? await Task.sleep(until: start + period * index, clock: .continuous)
                let id = ids[index % ids.count]
                group.addTask {
                    log.sent(index, at: (ContinuousClock.now - origin).seconds)
                    let ok = (try? await emulator.patchContact(id, json: #"{"telephone1":"LAT\#(index)"}"#, token: token)) ?? false
                    if !ok { log.failed() }
                }
            }
        }
        let sendSeconds = (ContinuousClock.now - start).seconds
        try? await Stopwatch.waitUntil("the last changes", timeout: .seconds(30), interval: .milliseconds(100)) {
            log.receivedCount == planned - log.failedCount
        }
        receiver.cancel()
        return Result(latencies: log.latencies(), planned: planned, failedWrites: log.failedCount, sendSeconds: sendSeconds)
    }

    /// Messages appended to the topic so far (high watermarks, whatever was dropped since).
    private func published(_ run: IngressRun) async throws -> Int64 {
        try await run.admin.lag(group: run.group, topics: [run.topic]).partitions.reduce(0) { $0 + $1.highWatermark }
    }

    /// Messages per change, once a window starting after the last change (its end less the
    /// 5 s look-back) completed: every window that could publish a change again has run.
    private func publishedPerChange(_ run: IngressRun, since before: Int64, result: Result) async throws -> Figure {
        let settled = Date().addingTimeInterval(6)
        try await Stopwatch.waitUntil("a window after the look-back of the last change", timeout: .seconds(60), interval: .milliseconds(200)) {
            guard let text = try await run.lastImport(), case .success(let end) = LastImportOption.parse(text) else { return false }
            return end > settled
        }
        let changes = result.planned - result.failedWrites
        let messages = try await published(run) - before
        return Figure(id: "change-latency.published-per-change", workflow: "crm-to-campaign", label: "Messages published per change",
                      value: changes > 0 ? Double(messages) / Double(changes) : .nan, unit: "messages", target: .atMost(1),
                      note: "\(messages) messages for \(changes) changes; the look-back re-reads each change, a version is published once")
    }

    private func figures(_ result: Result, settings: BenchSettings) -> [Figure] {
        let sorted = result.latencies.sorted()
        let lost = result.planned - result.failedWrites - sorted.count
        let context = "\(result.planned) changes at \(settings.latencyRate)/s over \(settings.latencyContacts) contacts, reader interval \(settings.latencyInterval)"
        return [
            Figure(id: "change-latency.p50", workflow: "crm-to-campaign", label: "Change latency p50",
                   value: Percentiles.of(sorted, 0.50), unit: "s", target: .atMost(1.5), note: context),
            Figure(id: "change-latency.p99", workflow: "crm-to-campaign", label: "Change latency p99",
                   value: Percentiles.of(sorted, 0.99), unit: "s", target: .atMost(3)),
            Figure(id: "change-latency.max", workflow: "crm-to-campaign", label: "Change latency max",
                   value: sorted.last ?? .nan, unit: "s"),
            Figure(id: "change-latency.rate", workflow: "crm-to-campaign", label: "Changes sent",
                   value: Double(result.planned - result.failedWrites) / result.sendSeconds, unit: "changes/s",
                   note: "\(result.failedWrites) PATCHes failed, \(lost) changes never seen in Campaign within 30 s"),
        ]
    }
}
