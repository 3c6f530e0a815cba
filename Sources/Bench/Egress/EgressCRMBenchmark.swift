import CRMConnectors
import CoreValues
import Foundation
import HTTPBridge
import Logging

/// campaign-to-crm, the CRM side: N email events through the product's email-event
/// writers (bulk messages, Bulk API 2.0, the shared budget limiter) into the emulator.
/// - Dynamics with a budget set so that the budget, not the CPU, is the limit: achieved
///   execution time as a share of the budget, and the share of requests answered 429.
/// - Dynamics unlimited: records/s against a plain client sending the same
///   `UpsertMultiple` bodies with the same concurrency (the raw write ceiling).
/// - Salesforce: records per call on Collections and on Bulk API 2.0, and the daily
///   allocation used per 1,000 events.
/// - Lost and duplicated records, counted in the emulator after each run.
/// The egress roles end to end from `email_events` and their peak RSS: `egress-e2e`.
struct EgressCRMBenchmark: Benchmark {
    let name = "egress-crm"
    let summary = "campaign-to-crm CRM side: bulk writes under the CRM's budgets, against a raw write ceiling"
    let perScale = false

    /// The budget-limited setting: a 20 s window (the real one is 5 minutes; shorter so
    /// a run spans several windows), 8 s of execution time in it, 2 ms per record and
    /// calls of 100 records (about 0.2 s): the budget allows about 3,700 records per
    /// window, far below what the CPU could write. As on the real service (1,200 s per
    /// window, a 1,000-record call about 11 s) a window holds dozens of calls and a call
    /// is short against the window; with calls of 1,000 records (2 s) a window held two,
    /// so the budget could only be spent in halves.
    static let window = 20
    static let budgetMilliseconds = 8_000
    static let millisecondsPerRecord = 2.0
    static let limitedCallSize = 100

    func run(_ context: BenchContext, scale: Int?) async throws -> [Figure] {
        let events = context.settings.egressEvents
        let emulator = context.stack.emulator
        let contacts = 2_000
        try await context.ensureEmulatorContacts(contacts)
        let dataset = try await context.dataset(contacts)
        let ids = dataset.ids
        var figures: [Figure] = []
        let logger = context.logger

        // 1. Budget-limited. A sliding window lets a fresh client spend one whole window's
        // budget at once, then only as fast as it frees: over T seconds at most
        // budget × (T / window + 1). The share is taken against that bound, so it nears 1
        // only over many windows (the default N gives about ten).
        // The limiter's window slack (1 s against the real 5 minutes) is scaled to the
        // bench's window (`rules`).
        let limitedCount = max(6_000, events / 10)
        let shipped = try await budgetLimited(
            emulator, ids: ids, count: limitedCount, rule: Self.rules[0], logger: logger)
        figures += shipped.figures(id: "egress", count: limitedCount, targets: true)
        figures += lossFigures(shipped.run, expected: limitedCount, id: "egress.dynamics-limited")
        // `BENCH_EGRESS_RULES=1`: the same setting with one rule of the limiter changed at a
        // time, in the same run, so that what each rule costs can be told from the load.
        if context.settings.egressRules {
            for rule in Self.rules.dropFirst() {
                let variant = try await budgetLimited(emulator, ids: ids, count: limitedCount, rule: rule, logger: logger)
                figures += variant.figures(id: "egress.rule-\(rule.name)", count: limitedCount, targets: false)
                figures += lossFigures(variant.run, expected: limitedCount, id: "egress.rule-\(rule.name)")
            }
        }

        // 2. Unlimited: the writer against a plain client sending the same bulk calls.
        try await emulator.reset()
        await context.state.setEmulatorContacts(-1)
        try await context.ensureEmulatorContacts(contacts)
        let open = try await writeDynamics(emulator, ids: ids, count: events, prefix: "open", limiter: CRMBudgetLimiter(), logger: logger)
        // The ceiling starts from the same empty tables the writer started from: the
        // emulator's inserts slow as a table grows, so measured after the writer's rows it
        // was slower than the writer (a ratio of 1.42 at 200,000).
        try await emulator.reset()
        await context.state.setEmulatorContacts(-1)
        try await context.ensureEmulatorContacts(contacts)
        let ceiling = try await rawCeiling(emulator, ids: ids, count: events)
        let rate = Double(events) / open.seconds
        figures.append(Figure(
            id: "egress.dynamics-rate", workflow: "campaign-to-crm", label: "Egress writer, Dynamics unlimited",
            value: rate, unit: "records/s", scale: events, note: "\(open.requests) requests"))
        figures.append(Figure(
            id: "ceiling.dynamics-upsertmultiple", workflow: "ceiling", label: "Plain client, same UpsertMultiple calls",
            value: ceiling, unit: "records/s", scale: events, note: "1,000 records per call, 4 at once"))
        figures.append(Figure(
            id: "egress.dynamics-ratio", workflow: "campaign-to-crm", label: "Egress writer / raw UpsertMultiple",
            value: rate / ceiling, unit: "ratio", scale: events, target: .atLeast(0.7)))
        figures += lossFigures(open, expected: events, id: "egress.dynamics-open")

        // 3. Salesforce: Collections (below the bulk threshold) and Bulk API 2.0.
        let salesforceCount = min(events, 20_000)
        for bulk in [false, true] {
            let run = try await writeSalesforce(emulator, count: salesforceCount, bulk: bulk, logger: logger)
            let path = bulk ? "bulk" : "collections"
            figures.append(Figure(
                id: "egress.salesforce-\(path).records-per-call", workflow: "campaign-to-crm",
                label: "Salesforce records per API call (\(bulk ? "Bulk API 2.0" : "Collections"))",
                value: Double(salesforceCount) / Double(max(1, run.requests)), unit: "records/call", scale: salesforceCount,
                target: bulk ? nil : .atLeast(190), note: "\(run.requests) calls"))
            figures.append(Figure(
                id: "egress.salesforce-\(path).allocation-per-1000", workflow: "campaign-to-crm",
                label: "Salesforce daily allocation used per 1,000 events (\(path))",
                value: Double(run.allocationUsed) * 1000 / Double(salesforceCount), unit: "requests", scale: salesforceCount))
            figures += lossFigures(run, expected: salesforceCount, id: "egress.salesforce-\(path)")
        }
        return figures
    }

    /// One set of the limiter's rules for the budget-limited setting.
    struct Rule: Sendable {
        var name: String
        var summary: String
        var settings: CRMBudgetSettings
        /// `upsert`s in flight at once (the egress writer keeps 4).
        var writesInFlight = 4
    }

    /// The shipped rules first, then each with one thing changed.
    static let rules: [Rule] = {
        let base = CRMBudgetSettings(budgetWindow: .seconds(window), windowSlack: .milliseconds(100))
        func with(_ change: (inout CRMBudgetSettings) -> Void) -> CRMBudgetSettings {
            var settings = base
            change(&settings)
            return settings
        }
        return [
            Rule(name: "shipped", summary: "cost from permit to answer read, most of the last 16, 3% margin, 4 writes at once", settings: base),
            Rule(name: "server-wait-cost", summary: "cost from request sent to the answer's status line", settings: with { $0.countsServerWait = true }),
            Rule(name: "one-write", summary: "one upsert at a time (a barrier every 8 calls)", settings: base, writesInFlight: 1),
            Rule(name: "margin-1pct", summary: "1% margin", settings: with { $0.margin = 0.01 }),
            Rule(name: "p75-cost", summary: "cost estimate the 75th percentile of the last 16", settings: with { $0.costQuantile = 0.75 }),
            Rule(name: "no-slack", summary: "no window slack", settings: with { $0.windowSlack = .zero }),
        ]
    }()

    struct Limited {
        var run: Run
        var rule: Rule
        /// Execution time the emulator charged, ms.
        var charged: Double
        /// Execution time the limiter counted for its calls, ms.
        var counted: Double
        /// The most a sliding window lets a fresh client spend in the run's time, ms.
        var bound: Double
        /// Execution time charged in each whole window of the run (from its start), ms.
        var windows: [Double]

        /// Charged time in the run's whole windows over the budget of as many windows: how
        /// full the limiter kept the budget while it had work. Nil when the run was shorter
        /// than a window.
        var windowShare: Double? {
            windows.isEmpty ? nil : windows.reduce(0, +) / (Double(EgressCRMBenchmark.budgetMilliseconds) * Double(windows.count))
        }

        func figures(id: String, count: Int, targets: Bool) -> [Figure] {
            let seconds = String(format: "%.1f", run.seconds)
            let note = "\(count) events in \(seconds) s, \(String(format: "%.1f", charged / 1000)) s charged, "
                + "\(String(format: "%.1f", counted / 1000)) s counted by the limiter; \(rule.summary); "
                + "budget \(EgressCRMBenchmark.budgetMilliseconds) ms per \(EgressCRMBenchmark.window) s window, bound budget × (T / window + 1)"
            let perWindow = windows.map { String(format: "%.1f", $0 / 1000) }.joined(separator: ", ")
            return [
                Figure(
                    id: id + ".budget-share", workflow: "campaign-to-crm",
                    label: "Egress budget-limited\(targets ? "" : " (\(rule.name))"): execution time used / budget",
                    value: windowShare ?? 0, unit: "ratio", scale: count, target: targets ? .atLeast(0.9) : nil,
                    note: "charged in each whole \(EgressCRMBenchmark.window) s window of the run: \(perWindow) s, of \(EgressCRMBenchmark.budgetMilliseconds / 1000) s each"),
                Figure(
                    id: id + ".budget-share-bound", workflow: "campaign-to-crm",
                    label: "Egress budget-limited\(targets ? "" : " (\(rule.name))"): execution time used / whole-run bound",
                    value: charged / bound, unit: "ratio", scale: count, note: note),
                Figure(
                    id: id + ".throttled-share", workflow: "campaign-to-crm",
                    label: "Egress budget-limited\(targets ? "" : " (\(rule.name))"): requests answered 429",
                    value: Double(run.throttled) / Double(max(1, run.requests)), unit: "ratio", scale: count,
                    target: targets ? .atMost(0.01) : nil, note: "\(run.throttled) of \(run.requests) requests"),
            ]
        }
    }

    /// The budget-limited setting with a fresh budget (setting the limits resets the
    /// emulator's accounting) and a fresh limiter following `rule`.
    private func budgetLimited(
        _ emulator: EmulatorClient, ids: [String], count: Int, rule: Rule, logger: Logger
    ) async throws -> Limited {
        try await emulator.setDynamicsLimits(
            #"{"requests":100000000,"executionTimeMilliseconds":\#(Self.budgetMilliseconds),"concurrentRequests":52,"windowSeconds":\#(Self.window),"millisecondsPerRecord":\#(Self.millisecondsPerRecord),"degreeOfParallelismHint":8}"#)
        let limiter = CRMBudgetLimiter(settings: rule.settings)
        let chargedBefore = try await emulator.dynamicsExecutionMilliseconds()
        // What was charged at each window's end from the start: a client that keeps the
        // sliding budget full spends the whole budget in every such window, where the
        // whole-run bound also counts a last window the run, out of work, never spends.
        let started = ContinuousClock.now
        // A failed reading fails the run: fewer windows would quietly change the figure.
        let sampler = Task { () throws -> [Double] in
            var samples: [Double] = []
            var next = started
            while !Task.isCancelled {
                do {
                    samples.append(try await emulator.dynamicsExecutionMilliseconds())
                } catch is CancellationError {
                    break
                }
                next += .seconds(Self.window)
                // Paced by the budget's window, not waiting for a condition; cancelled at the run's end.
                do { try await Task.sleep(until: next, clock: .continuous) } catch { break }
            }
            return samples
        }
        let run: Run
        do {
            run = try await writeDynamics(
                emulator, ids: ids, count: count, prefix: "lim-\(rule.name)", limiter: limiter, callSize: Self.limitedCallSize,
                writesInFlight: rule.writesInFlight, logger: logger)
        } catch {
            sampler.cancel()
            throw error
        }
        sampler.cancel()
        let samples = try await sampler.value
        let windows = zip(samples.dropFirst(), samples).map { $0 - $1 }
        // What the emulator charged (records' time and each call's own handling), as the
        // service would count it.
        let charged = try await emulator.dynamicsExecutionMilliseconds() - chargedBefore
        let bound = Double(Self.budgetMilliseconds) * (run.seconds / Double(Self.window) + 1)
        return Limited(run: run, rule: rule, charged: charged, counted: limiter.snapshot.countedMilliseconds, bound: bound, windows: windows)
    }

    struct Run {
        var seconds: Double
        var requests: Int
        var throttled: Int
        var stored: Int
        var allocationUsed = 0
    }

    private func lossFigures(_ run: Run, expected: Int, id: String) -> [Figure] {
        [
            Figure(id: id + ".lost", workflow: "campaign-to-crm", label: "Lost records (\(id))", value: Double(max(0, expected - run.stored)),
                   unit: "records", scale: expected, target: .atMost(0)),
            Figure(id: id + ".duplicated", workflow: "campaign-to-crm", label: "Duplicated records (\(id))", value: Double(max(0, run.stored - expected)),
                   unit: "records", scale: expected, target: .atMost(0)),
        ]
    }

    private func events(ids: [String], count: Int, prefix: String) -> [CRMEmailEvent] {
        (0..<count).map { index in
            CRMEmailEvent(
                eventID: "\(prefix)-\(index)", kind: .open, contactID: ids[index % ids.count],
                occurredAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(index)), campaignName: "Bench", deliveryName: "D\(index % 50)")
        }
    }

    /// The product's Dynamics writer, fed like the egress writer feeds it: `writesInFlight`
    /// `upsert`s of `maxBatch` events at once.
    private func writeDynamics(
        _ emulator: EmulatorClient, ids: [String], count: Int, prefix: String, limiter: CRMBudgetLimiter, callSize: Int = 1000,
        writesInFlight: Int = 4, logger: Logger
    ) async throws -> Run {
        let configuration = DynamicsConfiguration(
            organizationURL: emulator.baseURL, tokenURL: emulator.tokenURL, clientID: EmulatorClient.clientID,
            clientSecret: Secret(EmulatorClient.clientSecret), retry: CRMRetryPolicy(maxAttempts: 20))
        let writer = DynamicsEmailEventWriter(
            configuration: configuration, http: emulator.http, logger: logger, batchSize: callSize, parallelCalls: 8, limiter: limiter)
        let all = events(ids: ids, count: count, prefix: prefix)
        let countBefore = try await emulator.dynamicsCount("crmb_emailopens")
        let before = try await emulator.counters()
        let started = ContinuousClock.now
        let writes = stride(from: 0, to: all.count, by: writer.maxBatch).map { Array(all[$0..<min($0 + writer.maxBatch, all.count)]) }
        try await withThrowingTaskGroup(of: Bool.self) { group in
            var next = 0
            while next < min(max(1, writesInFlight), writes.count) {
                let events = writes[next]
                group.addTask { try await writer.upsert(events).allSatisfy(\.isWritten) }
                next += 1
            }
            for try await written in group {
                guard written else { throw BenchError("the CRM refused some bench events") }
                if next < writes.count {
                    let events = writes[next]
                    group.addTask { try await writer.upsert(events).allSatisfy(\.isWritten) }
                    next += 1
                }
            }
        }
        let seconds = Stopwatch.seconds(since: started)
        let after = try await emulator.counters()
        let stored = try await emulator.dynamicsCount("crmb_emailopens") - countBefore
        return Run(seconds: seconds, requests: after.requests - before.requests, throttled: after.throttled - before.throttled, stored: stored)
    }

    /// A plain client: the same UpsertMultiple bodies, four in flight, built before the clock.
    private func rawCeiling(_ emulator: EmulatorClient, ids: [String], count: Int) async throws -> Double {
        let token = try await emulator.token()
        let all = events(ids: ids, count: count, prefix: "raw")
        let bodies = try stride(from: 0, to: all.count, by: 1000).map { start in
            try DynamicsEmailEventWriter.targets(Array(all[start..<min(start + 1000, all.count)]))
        }
        let url = emulator.webAPIURL + "crmb_emailopens/Microsoft.Dynamics.CRM.UpsertMultiple"
        let headers: HTTPHeaders = ["Authorization": "Bearer \(token)", "Content-Type": "application/json", "OData-Version": "4.0"]
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<4 {
                group.addTask {
                    for index in stride(from: lane, to: bodies.count, by: 4) {
                        let response = try await emulator.http.execute(HTTPRequest(method: "POST", url: url, headers: headers, body: bodies[index], timeout: .seconds(300)))
                        guard response.status == 204 else { throw BenchError("raw UpsertMultiple answered \(response.status)") }
                    }
                }
            }
            try await group.waitForAll()
        }
        return Double(count) / Stopwatch.seconds(since: started)
    }

    private func writeSalesforce(_ emulator: EmulatorClient, count: Int, bulk: Bool, logger: Logger) async throws -> Run {
        let configuration = SalesforceConfiguration(
            instanceURL: emulator.baseURL, clientID: EmulatorClient.clientID, clientSecret: Secret(EmulatorClient.clientSecret),
            tokenURL: emulator.baseURL + "/services/oauth2/token", retry: CRMRetryPolicy(maxAttempts: 20))
        let writer = SalesforceEmailEventWriter(
            configuration: configuration, http: emulator.http, logger: logger, batchSize: 200, parallelCalls: 4,
            bulkAbove: bulk ? 2000 : nil, bulkMaxRecords: 10_000, bulkPollInterval: .milliseconds(200), limiter: CRMBudgetLimiter())
        let contacts = try await emulator.salesforceContactIDs(configuration: configuration, logger: logger)
        let countBefore = try await emulator.salesforceEventCount()
        let prefix = bulk ? "sfb" : "sfc"
        let all = events(ids: contacts, count: count, prefix: prefix)
        let usageBefore = try await emulator.salesforceUsage()
        let before = try await emulator.counters()
        let started = ContinuousClock.now
        for start in stride(from: 0, to: all.count, by: writer.maxBatch) {
            let outcomes = try await writer.upsert(Array(all[start..<min(start + writer.maxBatch, all.count)]))
            guard outcomes.allSatisfy(\.isWritten) else { throw BenchError("Salesforce refused some bench events") }
        }
        let seconds = Stopwatch.seconds(since: started)
        let after = try await emulator.counters()
        let usageAfter = try await emulator.salesforceUsage()
        let stored = try await emulator.salesforceEventCount() - countBefore
        // One token request is not an API call: counted by the emulator, not by the allocation.
        return Run(
            seconds: seconds, requests: usageAfter - usageBefore, throttled: after.throttled - before.throttled, stored: stored,
            allocationUsed: usageAfter - usageBefore)
    }
}
