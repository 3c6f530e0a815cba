import Config
import Foundation
import TestSupport
import Testing
import WorkflowRuntime

extension EgressEndToEnd {
    /// The CRM misbehaves while events flow: throttling and unavailability on a share of the
    /// answers, an expired token, a CRM that answers 503 to everything for a while, and one
    /// that refuses every write call. Transient trouble is retried (bounded, counted in
    /// `/metrics`, its reason shown while it lasts) and every event arrives once; a call
    /// refused for good turns the workflow FAILED naming the cause, and Start writes the
    /// batch after the fix.
    @Suite struct CRMFaultTests {
        static let writerLabels = #"workflow="campaign-to-crm",role="writer""#

        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func throttlingUnavailabilityAndAnExpiredTokenAreRetriedCountedAndEveryEventArrivesOnce(crm: CRMKind) async throws {
            let stack = try await EgressRoles.stack(crm, batchSize: 25)
            let contacts = try await EmailEventFixture.contacts(stack, count: 20)
            try await stack.admin("PUT", "/admin/faults", json: #"{"throttleShare":0.1,"unavailableShare":0.1,"retryAfterSeconds":1}"#)
            try await stack.startWorkflow(.campaignToCRM)
            let roles = EgressRoles(stack: stack)
            defer { roles.stop() }
            let port = try TestPostgres.freePort()
            try roles.add("reader")
            try roles.add("writer", arguments: ["--metrics-port", "\(port)", "--metrics-host", "127.0.0.1"])
            let metrics = RoleMetrics(port: port, http: stack.http)

            try await stack.withDatabase { try await EmailEventFixture.insert(1...500, contacts: contacts, on: $0) }
            try await roles.waitUntil("500 email events in \(crm.rawValue)", timeout: .seconds(180)) {
                try await EmailEventFixture.adminCount(stack) == 500
            }
            // The writer's token expires: its next call is answered 401 and the token refreshed.
            try await stack.admin("POST", "/admin/\(crm.rawValue)/tokens/expire")
            try await stack.withDatabase { try await EmailEventFixture.insert(501...1000, contacts: contacts, on: $0) }
            try await roles.waitUntil("the reader to publish every event") {
                try await stack.option("LASTEXPORT_test_campaign-to-crm_email-events")?.hasSuffix(":1000") == true
            }
            try await roles.waitUntil("the writer to commit everything", timeout: .seconds(180)) { try await roles.writerLag() == 0 }
            try await stack.admin("PUT", "/admin/faults", json: "{}")

            let written = try await EmailEventFixture.inCRM(stack)
            #expect(written.records == 1000)
            #expect(written.duplicates.isEmpty)
            #expect((1...1000).allSatisfy { written.events[$0] == EmailEventFixture.Expected(id: $0, contacts: contacts) })

            // Every retry answers one injected fault or the expired token: bounded by them.
            let counters = try JSONSerialization.jsonObject(with: Data(try await stack.admin("GET", "/admin/counters").utf8)) as? [String: Any]
            let faults = try #require(counters?["faultsInjected"] as? Int)
            #expect(faults > 0, "the emulator injected faults")
            try await roles.waitUntil("the writer's retries counter") {
                try await metrics.value("crmbridge_retries_total{\(Self.writerLabels)}") != nil
            }
            let retries = try #require(try await metrics.value("crmbridge_retries_total{\(Self.writerLabels)}"))
            let exhausted = try await metrics.value("crmbridge_errors_total{\(Self.writerLabels)}") ?? 0
            #expect(retries >= 1, "at least the expired token was retried")
            #expect(retries <= Double(faults + 1), "\(retries) retries for \(faults) faults and one expired token")
            #expect(retries >= Double(faults) - exhausted * 6, "each fault was retried (\(retries) retries, \(faults) faults)")
            #expect(try await stack.status(.campaignToCRM)?.status == .running)
        }

        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func aCRMAnswering503ShowsTheReasonWhileRetriedAndTheEventsArriveAfter(crm: CRMKind) async throws {
            let stack = try await EgressRoles.stack(crm, batchSize: 50)
            let contacts = try await EmailEventFixture.contacts(stack, count: 10)
            try await stack.admin("PUT", "/admin/faults", json: #"{"unavailableShare":1}"#)
            let roles = try await EgressRoles.start(stack)
            defer { roles.stop() }
            try await stack.withDatabase { try await EmailEventFixture.insert(1...100, contacts: contacts, on: $0) }

            try await roles.waitUntil("the writer to show why it retries") {
                try await stack.heartbeats(.campaignToCRM).contains {
                    $0.role == "writer" && $0.state == .running && ($0.lastError ?? "").contains("503")
                }
            }
            #expect(try await stack.status(.campaignToCRM)?.status == .running, "a transient error does not fail the workflow")
            #expect(try await EmailEventFixture.adminCount(stack) == 0)

            try await stack.admin("PUT", "/admin/faults", json: "{}")
            try await roles.waitUntil("the writer to commit everything", timeout: .seconds(120)) {
                let written = try await EmailEventFixture.adminCount(stack)
                let lag = try await roles.writerLag()
                return written == 100 && lag == 0
            }
            let written = try await EmailEventFixture.inCRM(stack)
            #expect(written.records == 100)
            #expect(written.duplicates.isEmpty)
            try await roles.waitUntil("the reason to clear") {
                try await stack.heartbeats(.campaignToCRM).contains { $0.role == "writer" && $0.state == .running && $0.lastError == nil }
            }
        }

        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func aWholeCallRefusedFailsTheWorkflowNamingTheCauseAndStartWritesTheBatchAfterTheFix(crm: CRMKind) async throws {
            let stack = try await EgressRoles.stack(crm, batchSize: 50)
            let contacts = try await EmailEventFixture.contacts(stack, count: 10)
            let code = crm == .dynamics ? "0x80040220" : "INSUFFICIENT_ACCESS"
            let message = crm == .dynamics
                ? "Principal user is missing prvCreatecrmb_emailopen privilege"
                : "insufficient access rights on object id"
            try await stack.admin("PUT", "/admin/faults", json: #"{"refuseWrites":{"status":403,"code":"\#(code)","message":"\#(message)"}}"#)
            let roles = try await EgressRoles.start(stack)
            defer { roles.stop() }
            try await stack.withDatabase { try await EmailEventFixture.insert(1...100, contacts: contacts, on: $0) }

            let failed = try await eventuallyValue("campaign-to-crm FAILED", timeout: .seconds(60)) { () -> WorkflowStatusRule.Verdict? in
                let verdict = try await stack.status(.campaignToCRM)
                return verdict?.status == .failed ? verdict : nil
            }
            let reason = failed.reason ?? ""
            #expect(reason.hasPrefix("writer:"), "\(reason)")
            #expect(reason.contains(code) && reason.contains("403") && reason.contains(message), "the reason names the CRM's answer: \(reason)")
            #expect(try await EmailEventFixture.adminCount(stack) == 0)
            try await roles.waitUntil("the reader to publish every event") {
                try await stack.option("LASTEXPORT_test_campaign-to-crm_email-events")?.hasSuffix(":100") == true
            }
            #expect(try await roles.writerLag() == 100, "nothing of the refused batch was committed")

            // The operator fixes the cause and presses Start: the batch is written then.
            try await stack.admin("PUT", "/admin/faults", json: "{}")
            try await stack.startWorkflow(.campaignToCRM)
            try await roles.waitUntil("the writer to commit everything") { try await roles.writerLag() == 0 }
            let written = try await EmailEventFixture.inCRM(stack)
            #expect(written.records == 100)
            #expect((1...100).allSatisfy { written.events[$0] == EmailEventFixture.Expected(id: $0, contacts: contacts) })
            #expect(try await stack.status(.campaignToCRM)?.status == .running)
        }
    }
}
