import Config
import Foundation
import KafkaBridge
import PostgresBridge
import TestSupport
import Testing
import WorkflowRuntime

extension OptOutEndToEnd {
    /// The very first start aligns the two sides (docs/opt-in-out.md, "Initial alignment"):
    /// unset profiles take the CRM's flag, a Campaign opt-out with its time is compared by
    /// the rule, one from before the stamp DDL is read too, a profile created during the
    /// alignment is waited for, and a profile flagged without a time keeps its opt-out
    /// (one clear reject, not one per profile). A restart does not align again.
    @Suite struct InitialAlignmentTests {
        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func theFirstStartAlignsBothSidesByTheRuleAndARestartDoesNotAlignAgain(crm: CRMKind) async throws {
            let stack = try await OptOutRoles.stack(crm, mode: "bidirectional")
            let fixture = OptOutFixture(stack: stack)
            try await stack.seed(fixture.object, count: 40)
            let seededAt = Date()
            let ids = try await fixture.crmFlags().keys.sorted()
            // A mix of flags in the CRM whatever the seed gave: every fourth contact opted out.
            for (index, id) in ids.prefix(38).enumerated() { try await fixture.flipInCRM(id, to: index % 4 == 0) }
            var crmFlags = try await fixture.crmFlags()
            let unset = Array(ids[0..<20])
            let olderInCampaign = Array(ids[20..<26])
            let newerInCampaign = Array(ids[26..<32])
            let beforeTheDDL = Array(ids[32..<36])
            let flaggedWithoutTime = ids[36]
            let createdLater = ids[37]
            // ids[38...] have no profile at all: left out, no reject.
            try await fixture.flipInCRM(flaggedWithoutTime, to: false)
            try await fixture.flipInCRM(createdLater, to: true)
            crmFlags = try await fixture.crmFlags()
            // Campaign's own edits are made after the CRM's last one, in a later second.
            let lastCRMSecond = Int64(Date().timeIntervalSince1970.rounded(.down))
            try await eventually("a later second", timeout: .seconds(3), interval: .milliseconds(50)) {
                Int64(Date().timeIntervalSince1970.rounded(.down)) > lastCRMSecond
            }
            try await stack.withDatabase { database in
                try await database.execute("INSERT INTO profiles (crm_id) SELECT unnest($1::text[])", [PostgresArrayLiteral.text(unset)])
                for id in olderInCampaign {
                    try await database.execute(
                        "INSERT INTO profiles (crm_id, blocklisted, blocklisted_at) VALUES ($1, $2::boolean, timestamptz '2020-01-01 00:00:00+00')",
                        [id, crmFlags[id]! ? "false" : "true"])
                }
                for id in newerInCampaign + beforeTheDDL {
                    try await database.execute(
                        "INSERT INTO profiles (crm_id, blocklisted, blocklisted_at) VALUES ($1, $2::boolean, clock_timestamp())",
                        [id, crmFlags[id]! ? "false" : "true"])
                }
                // Rows set before the stamp DDL ran have no stamp (a stamp-only update fires no trigger).
                try await database.execute(
                    "UPDATE profiles SET crmbridge_optout_xid = NULL WHERE crm_id = ANY($1::text[])", [PostgresArrayLiteral.text(beforeTheDDL)])
                try await database.execute("INSERT INTO profiles (crm_id, blocklisted) VALUES ($1, true)", [flaggedWithoutTime])
            }
            var expected: [String: Bool] = [:]
            for id in unset + olderInCampaign + [createdLater] { expected[id] = crmFlags[id]! }
            for id in newerInCampaign + beforeTheDDL { expected[id] = !crmFlags[id]! }

            // The contacts without a profile were created longer ago than the readers'
            // look-back (2 s): only the alignment would read them, and it leaves them out.
            try await eventually("the look-back to pass the seeding", timeout: .seconds(5), interval: .milliseconds(100)) {
                Date().timeIntervalSince(seededAt) > 3
            }
            let roles = try await OptOutRoles.start(stack)
            defer { roles.stop() }
            try await stack.execute("INSERT INTO profiles (crm_id) VALUES ('\(createdLater)')")

            var last: (crm: [String: Bool], campaign: [String: Bool]) = ([:], [:])
            do {
                try await roles.waitUntil("both sides to hold the aligned flags") {
                    last = (try await fixture.crmFlags(), try await fixture.campaignFlags())
                    return expected.allSatisfy { last.crm[$0.key] == $0.value && last.campaign[$0.key] == $0.value }
                }
            } catch {
                for (id, value) in expected.sorted(by: { $0.key < $1.key }) where last.crm[id] != value || last.campaign[id] != value {
                    Issue.record("\(id): expected \(value), CRM \(String(describing: last.crm[id])), Campaign \(String(describing: last.campaign[id]))")
                }
                throw error
            }
            #expect(unset.contains { crmFlags[$0]! } && unset.contains { !crmFlags[$0]! }, "unset profiles met both values")
            let option = LastImportOption.name(instance: "test", workflow: .optInOut, entity: "contact")
            try await waitForCRMWindows(after: Date(), seconds: 3, option: option, stack: stack, roles: roles)
            try await roles.waitUntil("the writer to commit everything") { try await roles.writerLag() == 0 }

            // The opt-out flagged without a time stays, the CRM keeps its value, and one
            // contact is rejected for it (announced from both readers at most).
            #expect(try await fixture.campaignFlags()[flaggedWithoutTime] == true)
            #expect(try await fixture.crmFlags()[flaggedWithoutTime] == false)
            let rows = try await stack.query(
                "SELECT DISTINCT record_id, error_symbol, error_message FROM crmbridge.rejects WHERE workflow = 'opt-in-out' ORDER BY 1, 2")
            var rejects: [String] = []
            for row in 0..<rows.rowCount {
                rejects.append("\(try rows.string(row, "record_id") ?? "-") \(try rows.string(row, "error_symbol") ?? "-"): \(try rows.string(row, "error_message") ?? "")")
            }
            #expect(rejects.map { $0.components(separatedBy: ":").first ?? "" } == ["\(flaggedWithoutTime) missing-blocklisted-at"], "\(rejects)")
            #expect(try await stack.status(.optInOut, roles: WorkflowName.optInOut.roles)?.status == .running)

            // A restart: the option exists, nothing is published again.
            let published = try await publishedCount(stack)
            roles.stop()
            for role in WorkflowName.optInOut.roles { try roles.add(role) }
            try await waitForCRMWindows(after: Date(), seconds: 4, option: option, stack: stack, roles: roles)
            try await roles.waitUntil("the writer to commit everything") { try await roles.writerLag() == 0 }
            let after = try await publishedCount(stack)
            #expect(after == published, "a restart publishes nothing again")
            if after != published {
                for topic in [Topics.optOutFromCRM, Topics.optOutFromCampaign] {
                    let messages = try await stack.messages(topic)
                    Issue.record("\(topic): \(messages.count) messages; the last: \(messages.suffix(4).map { String(decoding: $0.value ?? [], as: UTF8.self) })")
                }
            }
            #expect(try await fixture.crmFlags().filter { expected[$0.key] != nil } == expected)
            #expect(try await fixture.campaignFlags().filter { expected[$0.key] != nil } == expected)
        }

        /// Waits until the CRM reader has read `seconds` more seconds of windows than `date`.
        func waitForCRMWindows(after date: Date, seconds: Double, option: String, stack: TestStack, roles: OptOutRoles) async throws {
            try await roles.waitUntil("the CRM reader to read \(seconds) more seconds") {
                guard let text = try await stack.option(option), case .success(let end) = LastImportOption.parse(text) else { return false }
                return end.timeIntervalSince(date) >= seconds
            }
        }

        /// Messages on both opt-out topics (their high watermarks).
        func publishedCount(_ stack: TestStack) async throws -> Int64 {
            let admin = try KafkaAdmin(configuration: stack.kafkaConfiguration(), logger: TestKafka.logger)
            var total: Int64 = 0
            for topic in [Topics.optOutFromCRM, Topics.optOutFromCampaign] {
                total += try await admin.watermarks(topic: topic).values.reduce(0) { $0 + $1.high }
            }
            return total
        }
    }
}
