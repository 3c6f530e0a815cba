import CRMEmulatorCore
import Foundation
import Synchronization
import Testing
import TestSupport

/// Dataverse's execution-time budget (`0x80072321`) as the emulator keeps it: the time
/// of requests still running counts when the next one asks to be admitted, and the
/// `x-ms-ratelimit-time-remaining-xrm-requests` of an answer holds that answer's own time.
@Suite struct DynamicsExecutionTimeTests {
    /// A `CreateMultiple` of `count` contacts: `millisecondsPerRecord` each.
    private func createContacts(_ client: DynamicsTestClient, count: Int, tag: String) async throws -> DynamicsTestClient.Answer {
        let targets = (0..<count).map { #"{"@odata.type":"Microsoft.Dynamics.CRM.contact","lastname":"\#(tag)-\#($0)"}"# }
        return try await client.api("POST", "contacts/Microsoft.Dynamics.CRM.CreateMultiple", json: #"{"Targets":[\#(targets.joined(separator: ","))]}"#)
    }

    @Test func aRequestStillRunningCountsAgainstTheBudgetOfTheNextOne() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 2)
        defer { emulator.stop() }
        // One slow call of 8 records × 1 s against a budget of 1 s: once it has run a second,
        // nothing more may start, although nothing has finished (and been charged) yet.
        let limits = try await client.admin("PUT", "limits", json: """
            {"requests":100000,"executionTimeMilliseconds":1000,"concurrentRequests":52,"windowSeconds":300,"millisecondsPerRecord":1000}
            """)
        #expect(limits.status == 200)
        let slowAnswered = Mutex(false)
        let slow = Task {
            defer { slowAnswered.withLock { $0 = true } }
            return try await createContacts(client, count: 8, tag: "slow")
        }
        let refusal = try await eventuallyValue("a request is refused while the slow one runs", timeout: .seconds(60), interval: .milliseconds(50)) {
            let answer = try await client.api("GET", "contacts", query: [("$select", "lastname"), ("$top", "1")])
            return answer.status == 429 ? (answer, slowAnswered.withLock { $0 }) : nil
        }
        #expect(refusal.0.errorCode == "0x80072321")
        #expect(refusal.1 == false, "the refusal came only after the slow call was answered (and charged)")
        #expect(try #require(refusal.0.header("Retry-After").flatMap(Int.init)) >= 1)
        let slowAnswer = try await slow.value
        #expect(slowAnswer.status == 200, "a request admitted under the budget runs to its end")
    }

    @Test func theTimeLeftInAnAnswerHoldsThatAnswersOwnTime() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 2)
        defer { emulator.stop() }
        _ = try await client.admin("PUT", "limits", json: """
            {"requests":100000,"executionTimeMilliseconds":100000,"concurrentRequests":52,"windowSeconds":300,"millisecondsPerRecord":100}
            """)
        let answer = try await createContacts(client, count: 3, tag: "own")
        #expect(answer.status == 200)
        let left = try #require(answer.header("x-ms-ratelimit-time-remaining-xrm-requests").flatMap(Int.init))
        #expect(left <= 100_000 - 300, "3 records × 100 ms are already charged in the figure: \(left)")
        let usage = try await client.admin("GET", "usage")
        let charged = try #require(usage.json["executionMilliseconds"] as? Int)
        #expect(charged >= 300 && charged == 100_000 - left)
    }
}
