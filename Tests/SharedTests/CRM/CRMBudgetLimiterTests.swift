@testable import CRMConnectors
import CoreValues
import Foundation
@testable import HTTPBridge
import Synchronization
import Testing
import TestSupport

/// The shared CRM budget limiter against the emulator over HTTP: Salesforce's daily
/// allocation reserve holds calls back and resumes by itself, Dataverse's execution-time
/// budget is spent with hardly a 429, and `x-ms-dop-hint` bounds the calls in flight.
@Suite struct CRMBudgetLimiterTests {
    final class Notices: Sendable {
        let seen = Mutex<[CRMRetryNotice]>([])
        var observer: CRMRetryObserver { { notice in self.seen.withLock { $0.append(notice) } } }
        var holds: [String] { seen.withLock { $0.filter(\.isHoldingBack).map(\.description) } }
    }

    /// Hands out call numbers to concurrent tasks.
    final class Tickets: Sendable {
        private let next = Mutex(0)
        func take() -> Int {
            next.withLock { value in
                defer { value += 1 }
                return value
            }
        }
    }

    @Test func theAllocationHeaderIsReadAsUsedOfMax() {
        #expect(CRMAllocationUsage(header: "api-usage=18/5000") == CRMAllocationUsage(used: 18, max: 5000))
        #expect(CRMAllocationUsage(header: "api-usage=911/1000, per-app-api-usage=2/250(appName=x)")?.percentText == "91%")
        #expect(CRMAllocationUsage(header: "api-usage=abc") == nil)
        #expect(CRMAllocationUsage(header: nil) == nil)
    }

    private func salesforceUsage(_ fixture: CRMEmulatorFixture) async throws -> Int {
        let response = try await fixture.admin("GET", "salesforce/limits")
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        return try #require(object?["apiRequestsUsed"] as? Int)
    }

    @Test func theAllocationReserveHoldsCallsBackAndTheyResumeWhenUsageFalls() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 100)
        defer { fixture.stop() }
        let (contacts, _) = try await collect(fixture.salesforce().pages(CRMQuery(remoteObject: "Contact", fields: ["LastName"]), modifiedIn: nil))
        let notices = Notices()
        let limiter = CRMBudgetLimiter(settings: .init(probeInterval: .seconds(3)))
        let writer = SalesforceEmailEventWriter(
            configuration: fixture.salesforce().configuration, http: fixture.http, logger: fixture.logger,
            onRetry: notices.observer, limiter: limiter)
        try await fixture.admin("PUT", "salesforce/limits", json: #"{"dailyApiRequests":1000,"apiRequestsUsed":910}"#)
        let events = contacts.prefix(30).enumerated().map { index, contact in
            CRMEmailEvent(eventID: "reserve-\(index)", kind: .send, contactID: contact.id, occurredAt: Date(timeIntervalSince1970: 1_700_000_000))
        }
        let work = Task {
            var outcomes: [CRMWriteOutcome] = []
            for chunk in stride(from: 0, to: events.count, by: 10) {
                outcomes += try await writer.upsert(Array(events[chunk..<chunk + 10]))
            }
            return outcomes
        }
        // The first call's answer says 911 of 1000: the next one is held back.
        try await eventually("the reason says it holds back", timeout: .seconds(30), interval: .milliseconds(10)) { !notices.holds.isEmpty }
        #expect(notices.holds.first?.hasPrefix("holding back: API allocation 91% used") == true, "\(notices.holds)")
        #expect(limiter.snapshot.holdingBack)
        #expect(try await salesforceUsage(fixture) <= 912, "at most one probe went out while holding back")
        // The rolling 24 hours move on: usage falls, the next probe sees it, calls resume.
        try await fixture.admin("PUT", "salesforce/limits", json: #"{"apiRequestsUsed":100}"#)
        let outcomes = try await work.value
        #expect(outcomes.count == 30)
        #expect(outcomes.allSatisfy { $0.isWritten })
        #expect(!limiter.snapshot.holdingBack)
    }

    private func counters(_ fixture: CRMEmulatorFixture) async throws -> (requests: Int, throttled: Int) {
        let response = try await fixture.admin("GET", "counters")
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        return (try #require(object?["requests"] as? Int), try #require(object?["throttled"] as? Int))
    }

    private func dynamicsEvents(_ fixture: CRMEmulatorFixture, prefix: String, calls: Int, size: Int) async throws -> [[CRMEmailEvent]] {
        let (contacts, _) = try await collect(fixture.dynamics().pages(CRMQuery(remoteObject: "contacts", fields: ["lastname"]), modifiedIn: nil))
        return (0..<calls).map { call in
            (0..<size).map { index in
                CRMEmailEvent(
                    eventID: "\(prefix)-\(call)-\(index)", kind: .open, contactID: contacts[(call * size + index) % contacts.count].id,
                    occurredAt: Date(timeIntervalSince1970: 1_700_000_000))
            }
        }
    }

    /// Many writers of one process at once, as the egress writer's calls are.
    private func writeConcurrently(_ writer: DynamicsEmailEventWriter, _ calls: [[CRMEmailEvent]], tasks: Int) async throws -> Int {
        let tickets = Tickets()
        return try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<tasks {
                group.addTask {
                    var written = 0
                    while true {
                        let index = tickets.take()
                        guard index < calls.count else { return written }
                        written += try await writer.upsert(calls[index]).filter(\.isWritten).count
                    }
                }
            }
            return try await group.reduce(0, +)
        }
    }

    @Test func underATightExecutionTimeBudgetFewRequestsAreThrottled() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 100)
        defer { fixture.stop() }
        let calls = try await dynamicsEvents(fixture, prefix: "budget", calls: 200, size: 5)
        // 5 records × 4 ms: at least 20 ms a call; 200 calls need 4 s or more of execution
        // time against 2 s per 3 s window, so the budget, not the client, sets the pace.
        try await fixture.admin("PUT", "dynamics/limits", json: """
            {"requests":100000,"executionTimeMilliseconds":2000,"concurrentRequests":52,"windowSeconds":3,"millisecondsPerRecord":4}
            """)
        let limiter = CRMBudgetLimiter(settings: .init(budgetWindow: .seconds(3), windowSlack: .seconds(1)))
        let notices = Notices()
        let writer = DynamicsEmailEventWriter(
            configuration: fixture.dynamics().configuration, http: fixture.http, logger: fixture.logger, onRetry: notices.observer, limiter: limiter)
        let before = try await counters(fixture)
        let written = try await writeConcurrently(writer, calls, tasks: 16)
        let after = try await counters(fixture)
        #expect(written == 200 * 5)
        let requests = after.requests - before.requests
        let throttled = after.throttled - before.throttled
        #expect(requests >= 200)
        // Without the limiter ~6% are answered 429 (13 of 214). Issue 13's bar, at most 1%,
        // is a figure of `make bench` (egress-crm's `throttled-share`, 0 of 201): a test
        // sharing two cores with other work is late on its own clock now and then (3 of
        // 204 beside the 15-million bench), so here the bound is what tells the two apart.
        #expect(Double(throttled) <= Double(requests) * 0.03, "\(throttled) of \(requests) requests answered 429")
        // The count, for the runs beside a loaded machine that docs/performance.md reports.
        print("CRMBudgetLimiterTests: \(throttled) of \(requests) requests answered 429")
    }

    @Test func aCallsCostIsEstimatedAsTheChosenQuantileOfTheLastCalls() {
        let costs: [Double] = [10, 40, 20, 30]
        #expect(CRMBudgetLimiter.quantile(costs, 1) == 40)
        #expect(CRMBudgetLimiter.quantile(costs, 0.75) == 30)
        #expect(CRMBudgetLimiter.quantile(costs, 0.5) == 20)
        #expect(CRMBudgetLimiter.quantile([], 1) == nil)
    }

    @Test func callsInFlightNeverExceedTheDegreeOfParallelismHint() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 100)
        defer { fixture.stop() }
        let calls = try await dynamicsEvents(fixture, prefix: "dop", calls: 40, size: 20)
        // The service refuses a third concurrent request (0x80072326) and recommends two.
        try await fixture.admin("PUT", "dynamics/limits", json: """
            {"concurrentRequests":2,"degreeOfParallelismHint":2,"millisecondsPerRecord":1}
            """)
        let limiter = CRMBudgetLimiter()
        let writer = DynamicsEmailEventWriter(
            configuration: fixture.dynamics().configuration, http: fixture.http, logger: fixture.logger, limiter: limiter)
        let before = try await counters(fixture)
        let written = try await writeConcurrently(writer, calls, tasks: 12)
        let after = try await counters(fixture)
        #expect(written == 40 * 20)
        #expect(after.throttled - before.throttled == 0)
        #expect(limiter.snapshot.concurrency <= 2)
    }
}
