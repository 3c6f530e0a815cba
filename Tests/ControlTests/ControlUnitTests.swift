@testable import CLI
@testable import ControlService
import Foundation
import Testing
import WorkflowRuntime

@Suite("Control pieces alone: counters, history ring, token compare, CLI helpers")
struct ControlUnitTests {
    func report(_ role: String, _ instance: String, written: Int, read: Int = 0) -> HeartbeatStore.Report {
        .init(role: role, instance: instance, state: .running, configVersion: 1, lastError: nil,
              detail: #"{"recordsWritten": \#(written), "recordsRead": \#(read), "other": "x"}"#, at: Date())
    }

    @Test func aBacklogAnswerWaitsForKafkaOnlySoLong() async throws {
        let slow = Task<Int, any Error> { try await Task.sleep(for: .seconds(60)); return 1 }
        defer { slow.cancel() }
        let started = ContinuousClock.now
        #expect(try await BacklogReader.value(of: slow, within: .milliseconds(50)) == nil)
        #expect(ContinuousClock.now - started < .seconds(30), "the answer gave up at its bound, not with the task")
        let quick = Task<Int, any Error> { 7 }
        #expect(try await BacklogReader.value(of: quick, within: .seconds(30)) == 7)
        struct Down: Error {}
        let failing = Task<Int, any Error> { throw Down() }
        await #expect(throws: Down.self) { try await BacklogReader.value(of: failing, within: .seconds(30)) }
    }

    @Test func roleCountersOnlyAddTheirIncreaseAndSurviveARestart() {
        var totals = RoleCounterTotals()
        let first = totals.observe([report("writer", "a", written: 100)])
        #expect(first.byRole["writer"]?.recordsWritten == 100, "a new instance counts whole")
        #expect(first.observed.recordsWritten == 0, "but is no rate yet")
        let second = totals.observe([report("writer", "a", written: 130), report("writer", "b", written: 5)])
        #expect(second.byRole["writer"]?.recordsWritten == 35)
        #expect(second.observed.recordsWritten == 30)
        let restarted = totals.observe([report("writer", "a", written: 7), report("writer", "b", written: 5)])
        #expect(restarted.byRole["writer"]?.recordsWritten == 7, "a counter that went down counts from 0")
    }

    @Test func badDetailJSONCountsAsNothing() {
        #expect(RoleCounterTotals.Counters(detail: "not json") == RoleCounterTotals.Counters())
        #expect(RoleCounterTotals.Counters(detail: #"{"recordsWritten": -4}"#).recordsWritten == 0)
        #expect(RoleCounterTotals.Counters(detail: #"{"recordsWritten": "12"}"#).recordsWritten == 0)
    }

    @Test func theHistoryKeepsTheLatestPointsOldestFirst() {
        let history = WorkflowHistory(capacity: 3)
        for index in 0..<5 {
            history.append(.init(time: Date(timeIntervalSince1970: Double(index)), backlog: Int64(index),
                                 writtenPerSecond: 0, readPerSecond: 0, status: "RUNNING"), for: .optInOut)
        }
        #expect(history.points(.optInOut).map(\.backlog) == [2, 3, 4])
        #expect(history.points(.crmToCampaign).isEmpty)
    }

    @Test func tokensCompareByEveryByte() {
        typealias Auth = BearerToken
        #expect(Auth.constantTimeEquals(Array("secret".utf8), Array("secret".utf8)))
        #expect(!Auth.constantTimeEquals(Array("secret".utf8), Array("secreT".utf8)))
        #expect(!Auth.constantTimeEquals(Array("secret".utf8), Array("secret2".utf8)))
        #expect(!Auth.constantTimeEquals([], Array("s".utf8)))
        #expect(Auth.parse("Bearer abc") == "abc")
        #expect(Auth.parse("bearer  abc ") == "abc")
        #expect(Auth.parse("Basic abc") == nil)
        #expect(Auth.parse("Bearer") == nil)
    }

    @Test func theProgressBarShowsShareRateAndTimeLeft() {
        var progress = DrainProgress(interactive: false)
        progress.update(backlog: 1000, status: "RUNNING", now: 100)
        progress.update(backlog: 600, status: "RUNNING", now: 104)
        #expect(progress.rate == 100)
        #expect(progress.render(backlog: 600, status: "RUNNING")
            == "[############------------------] 40%  backlog 600  100 rec/s  ETA 0:06  RUNNING")
        #expect(NumberText.grouped(1_234_567) == "1,234,567")
        #expect(NumberText.duration(3725) == "1:02:05")
    }

    @Test func stackEnvIsFoundInAParentAndTheEnvironmentWins() throws {
        let directory = NSTemporaryDirectory() + "crmbridge-endpoint-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/.crmbridge", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory + "/a/b", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "# comment\nexport CRMBRIDGE_CONTROL_URL=\"http://127.0.0.1:8080/\"\nCRMBRIDGE_API_TOKEN=abc\n"
            .write(toFile: directory + "/.crmbridge/stack.env", atomically: true, encoding: .utf8)
        let fromFile = try ControlEndpoint.resolve(environment: [:], directory: directory + "/a/b")
        #expect(fromFile == ControlEndpoint(baseURL: "http://127.0.0.1:8080", token: "abc"))
        let mixed = try ControlEndpoint.resolve(environment: ["CRMBRIDGE_API_TOKEN": "env"], directory: directory + "/a")
        #expect(mixed.token == "env")
        #expect(throws: CLIError.self) { try ControlEndpoint.resolve(environment: [:], directory: "/") }
    }
}
