import Config
import CoreValues
import Foundation
import HTTPBridge
import PostgresBridge
import WorkflowRuntime

/// opt-in-out: opt-out latency, both directions, at a steady rate (issue 12: 50 flips/s,
/// p50 ≤ 2 s, p99 ≤ 5 s). The three roles run as processes in `bidirectional` mode over a
/// Campaign database of their own, whose profiles start unset, so the first start's
/// initial alignment runs first (and is timed). Then the bench flips, on a fixed
/// schedule, alternately a contact in the CRM (`PATCH contacts(<id>)` `donotbulkemail`)
/// and a profile in Campaign (`blocklisted`, `blocklisted_at = clock_timestamp()`),
/// each contact once and the two directions on disjoint contacts (no conflicts):
///
/// - CRM → Campaign: a trigger on `profiles` NOTIFYs the bench when the flag lands (at
///   the writer's commit);
/// - Campaign → CRM: the bench polls the Web API every 200 ms for the contacts modified
///   in the last 30 s; a flip has arrived once the CRM shows its value (the figure is
///   up to one poll late).
///
/// Latency = arrival − flip sent, both on the bench's clock.
struct OptOutLatencyBenchmark: Benchmark {
    let name = "optout-latency"
    let summary = "opt-in-out: an opt-out flip on one side visible on the other, both directions, at a steady rate"
    let perScale = false
    static let channel = "bench_optout"
    static let rate = 50
    static let duration: Duration = .seconds(60)
    static let pollInterval: Duration = .milliseconds(200)

    func run(_ context: BenchContext, scale: Int?) async throws -> [Figure] {
        let contacts = context.settings.latencyContacts
        let planned = Self.rate * Int(Self.duration.components.seconds)
        guard contacts >= planned else { throw BenchError("\(name) needs at least \(planned) contacts, has \(contacts)") }
        let dataset = try await context.dataset(contacts)
        let run = try await OptOutRun.prepare(context, ids: dataset.ids)
        var roles: [ChildProcess] = []
        do {
            for role in WorkflowName.optInOut.roles { roles.append(try await run.spawn(role)) }
            let started = ContinuousClock.now
            try await run.start()
            try await run.waitAligned(roles: roles)
            let alignment = Figure(
                id: "optout-latency.alignment", workflow: "opt-in-out", label: "Initial alignment (first start)",
                value: (ContinuousClock.now - started).seconds, unit: "s",
                note: "\(contacts) contacts read and published, their flags applied to unset profiles")
            let flags = try await run.campaignFlags()
            let ids = dataset.ids.sorted()
            let fromCRM = Array(ids.prefix(planned / 2))
            let fromCampaign = Array(ids.dropFirst(planned / 2).prefix(planned - planned / 2))
            let listener = try await run.listen()
            let cpu = context.stack.cpuAccount(roles: zip(WorkflowName.optInOut.roles, roles).map { ($0, $1) })
            let before = cpu.snapshot()
            let result = try await drive(context, run: run, listener: listener, fromCRM: fromCRM, fromCampaign: fromCampaign, flags: flags)
            let cpuFigures = CPUAccount.figures(from: before, to: cpu.snapshot(), records: planned, phase: name, scale: nil)
            await listener.close()
            await run.finish(roles)
            return [alignment] + figures(result) + cpuFigures
        } catch {
            for role in roles { context.logger.error("role log", metadata: ["role": "\(role.name)", "tail": "\(role.logTail(1500))"]) }
            await run.finish(roles)
            throw error
        }
    }

    struct Result {
        var crmToCampaign: [Double]
        var campaignToCRM: [Double]
        var planned: Int
        var failedWrites: Int
        var sendSeconds: Double
    }

    /// Sends the flips on a fixed schedule (each its own task, so a slow answer never
    /// delays the next), then waits up to 30 s for the last ones to arrive.
    private func drive(
        _ context: BenchContext, run: OptOutRun, listener: PostgresConnection, fromCRM: [String], fromCampaign: [String],
        flags: [String: Bool]
    ) async throws -> Result {
        let emulator = context.stack.emulator
        let token = try await emulator.token()
        let crmLog = LatencyLog(count: fromCRM.count)
        let campaignLog = LatencyLog(count: fromCampaign.count)
        let crmIndex = Dictionary(uniqueKeysWithValues: fromCRM.enumerated().map { ($1, $0) })
        let campaignIndex = Dictionary(uniqueKeysWithValues: fromCampaign.enumerated().map { ($1, $0) })
        // Each flip sets the opposite of what both sides hold after the alignment.
        let targets = Dictionary(uniqueKeysWithValues: (fromCRM + fromCampaign).map { ($0, !(flags[$0] ?? false)) })
        let origin = ContinuousClock.now
        let receiver = Task {
            for await notification in listener.notifications {
                guard let index = crmIndex[notification.payload] else { continue }
                if crmLog.received(index, at: (ContinuousClock.now - origin).seconds) == fromCRM.count { return }
            }
        }
        let poller = Task {
            while !Task.isCancelled {
                // Whole seconds: the filter's literal then has no fraction.
                let since = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - 30).rounded(.down))
                if let seen = try? await Self.crmFlags(modifiedSince: since, emulator: emulator, token: token) {
                    let at = (ContinuousClock.now - origin).seconds
                    for (id, value) in seen {
                        if let index = campaignIndex[id], value == targets[id] { _ = campaignLog.received(index, at: at) }
                    }
                }
                try? await Task.sleep(for: Self.pollInterval)
            }
        }
        let planned = fromCRM.count + fromCampaign.count
        let period = Duration.seconds(1) / Self.rate
        let start = origin + .milliseconds(100)
        let database = run.database
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<planned {
                try? await Task.sleep(until: start + period * index, clock: .continuous)
                let id = index % 2 == 0 ? fromCRM[index / 2] : fromCampaign[index / 2]
                let value = targets[id] ?? true
                group.addTask {
                    if index % 2 == 0 {
                        crmLog.sent(index / 2, at: (ContinuousClock.now - origin).seconds)
                        let ok = (try? await emulator.patchContact(id, json: #"{"donotbulkemail":\#(value)}"#, token: token)) ?? false
                        if !ok { crmLog.failed() }
                    } else {
                        campaignLog.sent(index / 2, at: (ContinuousClock.now - origin).seconds)
                        let ok = (try? await database.execute(
                            "UPDATE profiles SET blocklisted = $2::boolean, blocklisted_at = clock_timestamp() WHERE crm_id = $1",
                            [id, value ? "true" : "false"])) == 1
                        if !ok { campaignLog.failed() }
                    }
                }
            }
        }
        let sendSeconds = (ContinuousClock.now - start).seconds
        try? await Stopwatch.waitUntil("the last flips", timeout: .seconds(30), interval: .milliseconds(100)) {
            crmLog.receivedCount + campaignLog.receivedCount == planned - crmLog.failedCount - campaignLog.failedCount
        }
        receiver.cancel()
        poller.cancel()
        return Result(
            crmToCampaign: crmLog.latencies(), campaignToCRM: campaignLog.latencies(), planned: planned,
            failedWrites: crmLog.failedCount + campaignLog.failedCount, sendSeconds: sendSeconds)
    }

    /// Every contact's flag among those modified since `since`, by a plain Web API read.
    static func crmFlags(modifiedSince since: Date, emulator: EmulatorClient, token: String) async throws -> [String: Bool] {
        let headers = EmulatorClient.readHeaders(token: token, pageSize: 5000)
        var next: String? = HTTPRequest.url(emulator.webAPIURL + "contacts", query: [
            ("$select", "contactid,donotbulkemail"), ("$filter", "modifiedon ge \(DateTimeText(utc: since).utcString)"),
        ])
        struct Page: Decodable {
            struct Contact: Decodable {
                var contactid: String
                var donotbulkemail: Bool?
            }
            var value: [Contact]
            var next: String?
            enum CodingKeys: String, CodingKey {
                case value
                case next = "@odata.nextLink"
            }
        }
        var flags: [String: Bool] = [:]
        while let url = next {
            let response = try await emulator.http.execute(HTTPRequest(url: url, headers: headers, timeout: .seconds(30)))
            guard response.status == 200 else { throw BenchError("emulator read answered \(response.status)") }
            let page = try JSONDecoder().decode(Page.self, from: Data(response.body))
            for contact in page.value { flags[contact.contactid] = contact.donotbulkemail }
            next = page.next
        }
        return flags
    }

    private func figures(_ result: Result) -> [Figure] {
        let context = "\(result.planned) flips at \(Self.rate)/s, half each way on distinct contacts, readers' interval 1 s"
        var figures: [Figure] = []
        for (direction, latencies, note) in [
            ("crm-to-campaign", result.crmToCampaign, context),
            ("campaign-to-crm", result.campaignToCRM, "seen by polling the CRM every 200 ms (up to one poll late)"),
        ] {
            let sorted = latencies.sorted()
            let label = direction == "crm-to-campaign" ? "CRM → Campaign" : "Campaign → CRM"
            figures += [
                Figure(id: "optout-latency.\(direction).p50", workflow: "opt-in-out", label: "Opt-out latency \(label) p50",
                       value: Percentiles.of(sorted, 0.50), unit: "s", target: .atMost(2), note: note),
                Figure(id: "optout-latency.\(direction).p99", workflow: "opt-in-out", label: "Opt-out latency \(label) p99",
                       value: Percentiles.of(sorted, 0.99), unit: "s", target: .atMost(5)),
                Figure(id: "optout-latency.\(direction).max", workflow: "opt-in-out", label: "Opt-out latency \(label) max",
                       value: sorted.last ?? .nan, unit: "s"),
            ]
        }
        let seen = result.crmToCampaign.count + result.campaignToCRM.count
        let lost = result.planned - result.failedWrites - seen
        figures.append(Figure(
            id: "optout-latency.rate", workflow: "opt-in-out", label: "Opt-out flips sent",
            value: Double(result.planned - result.failedWrites) / result.sendSeconds, unit: "flips/s",
            note: "\(result.failedWrites) flips failed, \(lost) never seen on the other side within 30 s"))
        return figures
    }
}
