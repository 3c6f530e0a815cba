import Config
import Foundation
import TestSupport
import Testing

extension OptOutEndToEnd {
    /// A person edits a contact in the CRM in the very second the sync wrote it, leaving
    /// the value the sync wrote, and Campaign flips it back in that same second. The
    /// CRM's last-modified time cannot tell the person's edit from the sync's write
    /// (whole seconds); its write stamp can (`versionnumber`, `LastModifiedById`). By the
    /// rule the CRM edit and the Campaign flip tie, so opt-out = true must win on both
    /// sides. Taking the person's edit for the sync's own write made Campaign's flip look
    /// newer, and both sides ended false (seen once in `BidirectionalTests`).
    @Suite struct SameSecondEditTests {
        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func aPersonsEditInTheSecondOfTheSyncsWriteCountsAsTheCRMs(crm: CRMKind) async throws {
            let stack = try await OptOutRoles.stack(crm, mode: "bidirectional")
            let fixture = OptOutFixture(stack: stack)
            let initial = try await fixture.contacts(24)
            let roles = try await OptOutRoles.start(stack)
            defer { roles.stop() }

            var sameSecond = 0
            for id in initial.keys.sorted() where sameSecond < 2 {
                // Campaign opts the contact out (or in again), and the sync carries it over.
                let first = !initial[id]!
                try await fixture.flipInCampaign(id, to: first)
                let synced = try await Self.waitForCRM(id, value: first, fixture: fixture)
                // At once: a person saves the same value in the CRM, Campaign flips back.
                let personSecond = try await fixture.flipInCRM(id, to: first)
                let campaignTime = try await fixture.flipInCampaign(id, to: !first)
                let campaignSecond = Int64(campaignTime.timeIntervalSince1970.rounded(.down))
                if synced == personSecond && personSecond == campaignSecond { sameSecond += 1 }

                let expected = OptOutRule.expected(
                    initial: initial[id]!, crm: .init(value: first, second: personSecond),
                    campaign: .init(value: !first, second: campaignSecond))
                try await roles.waitUntil("both sides of \(id) to hold \(expected)") {
                    let (crmFlag, campaignFlag) = (try await fixture.crmFlags()[id], try await fixture.campaignFlags()[id])
                    return crmFlag == expected && campaignFlag == expected
                }
            }
            #expect(sameSecond == 2, "the sync's write, the person's edit and Campaign's flip fell into one second twice")
        }

        /// Waits until the CRM shows `value` for `id`; answers the second it was written in.
        static func waitForCRM(_ id: String, value: Bool, fixture: OptOutFixture) async throws -> Int64 {
            try await eventuallyValue("the CRM to show \(value) for \(id)", timeout: .seconds(60), interval: .milliseconds(20)) {
                guard try await fixture.crmFlags()[id] == value, let text = try await fixture.crmModified()[id] else { return nil }
                return Self.second(text)
            }
        }

        /// `2026-12-06T08:30:05Z` or `2026-12-06T08:30:05.000+0000` → seconds since 1970.
        static func second(_ text: String) -> Int64? {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let digits = text.prefix(19).split(whereSeparator: { "-T:".contains($0) }).compactMap { Int($0) }
            guard digits.count == 6 else { return nil }
            let components = DateComponents(year: digits[0], month: digits[1], day: digits[2], hour: digits[3], minute: digits[4], second: digits[5])
            return calendar.date(from: components).map { Int64($0.timeIntervalSince1970) }
        }
    }
}
