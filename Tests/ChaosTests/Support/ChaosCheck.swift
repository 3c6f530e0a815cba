import Foundation
import Config
import CoreValues
import PostgresBridge
import TestSupport
import Testing
import WorkflowRuntime

/// The end of every scenario: wait until the three workflows have caught up, then compare
/// source and target exactly — Campaign's profiles against the CRM's contacts field for
/// field, Campaign's email events against the CRM's activity records, each flip contact's
/// opt-out on both sides against the conflict rule — and check nothing was rejected, no role
/// crashed, and no secret reached any output.
struct ChaosCheck {
    let stack: TestStack
    let roles: ChaosRoles
    let data: ChaosData

    /// Waits for convergence and compares; answers the records checked and how long the
    /// last comparison of contacts and of events took. Every difference is an issue of the
    /// running test.
    func converge(timeout: Duration) async throws -> (records: Int, compareSeconds: Double) {
        #expect(roles.exited.isEmpty, "role processes exited by themselves: \(roles.exited)")
        let expected = data.expectedFlags
        let ids = data.flipIDs
        var flags: (crm: [String: Bool], campaign: [String: Bool]) = ([:], [:])
        do {
            try await roles.waitUntil("both sides to hold the opt-out the rule gives", timeout: timeout, interval: .seconds(2)) {
                let crm = try await ChaosCRM.flags(stack, ids: ids)
                let campaign = try await campaignFlags()
                flags = (crm.filter { ids.contains($0.key) }, campaign)
                return flags.crm == expected && flags.campaign == expected
            }
        } catch {
            for id in ids where flags.crm[id] != expected[id] || flags.campaign[id] != expected[id] {
                Issue.record("opt-out of \(id): expected \(expected[id]!), CRM \(String(describing: flags.crm[id])), Campaign \(String(describing: flags.campaign[id])); last flips CRM \(String(describing: data.lastCRMFlip[id])), Campaign \(String(describing: data.lastCampaignFlip[id]))")
            }
            throw error
        }
        try await roles.waitUntil("opt-in-out's writers to commit everything", timeout: timeout) {
            try await ChaosStack.lag(stack, .optInOut) == 0
        }

        let events = data.eventsInserted
        try await roles.waitUntil("\(events) email events in the CRM", timeout: timeout, interval: .seconds(1)) {
            try await ChaosEvents.adminCount(stack) >= events
        }
        try await roles.waitUntil("campaign-to-crm's writers to commit everything", timeout: timeout) {
            try await ChaosStack.lag(stack, .campaignToCRM) == 0
        }

        // crm-to-campaign: a window ending after now (after the last opt-out write to the
        // CRM), then the writers drained, then Campaign equal to the CRM.
        let now = Date()
        try await roles.waitUntil("a contact window ending after \(now)", timeout: timeout, interval: .seconds(1)) {
            guard let text = try await stack.option(ChaosStack.lastImport), case .success(let end) = LastImportOption.parse(text) else { return false }
            return end > now
        }
        try await roles.waitUntil("crm-to-campaign's writers to commit everything", timeout: timeout) {
            try await ChaosStack.lag(stack, .crmToCampaign) == 0
        }
        var comparison = ContactComparison()
        var compareStarted = ContinuousClock.now
        do {
            try await roles.waitUntil("profiles equal to the CRM's contacts", timeout: .seconds(60), interval: .seconds(3)) {
                compareStarted = ContinuousClock.now
                comparison = try await ContactComparison.compare(stack)
                return comparison.isEqual
            }
        } catch {
            Issue.record("profiles differ from the CRM: \(comparison.problemCount) problems, e.g. \(comparison.problems)")
            throw error
        }

        let campaignEvents = try await ChaosEvents.inCampaign(stack)
        let crmEvents = try await ChaosEvents.inCRM(stack)
        #expect(campaignEvents.count == events)
        #expect(crmEvents.records == events, "\(crmEvents.records) activity records for \(events) events")
        #expect(crmEvents.duplicates.isEmpty, "events written twice: \(crmEvents.duplicates.prefix(10))")
        let wrong = campaignEvents.filter { crmEvents.events[$0.key] != $0.value }
        #expect(wrong.isEmpty, "\(wrong.count) events differ, e.g. \(wrong.prefix(3).map { "\($0.key): Campaign \($0.value), CRM \(crmEvents.events[$0.key].map { "\($0)" } ?? "none")" })")

        #expect(roles.exited.isEmpty, "role processes exited by themselves: \(roles.exited)")
        ChaosSecrets.expectNoneIn(roles.allOutput, stack: stack, what: "the roles' output")
        return (comparison.crmCount + campaignEvents.count + ids.count, (ContinuousClock.now - compareStarted).seconds)
    }

    /// Rows in `crmbridge.rejects` (a scenario without bad input expects none).
    func rejects() async throws -> Int {
        try await ChaosRetry.retrying("count rejects") { try await stack.count("SELECT count(*) FROM crmbridge.rejects") }
    }

    private func campaignFlags() async throws -> [String: Bool] {
        let rows = try await stack.query("SELECT crm_id, blocklisted FROM profiles WHERE crm_id = ANY($1::text[])",
                                         [PostgresArrayLiteral.text(data.flipIDs)])
        var flags: [String: Bool] = [:]
        for row in rows { if let id = row["crm_id"], let flag = row["blocklisted"] { flags[id] = flag == "t" || flag == "true" } }
        return flags
    }
}

/// Campaign's profiles compared with the CRM's contacts: every contact has its row with the
/// same values (same text, same instant, same number), and no row lacks its contact.
struct ContactComparison {
    var crmCount = 0
    var campaignCount = 0
    var problems: [String] = []
    var problemCount = 0

    var isEqual: Bool { problemCount == 0 && crmCount == campaignCount }

    /// Page by page: each page of the CRM's contacts against the profiles of those ids
    /// (neither side is held whole: 200,000 contacts twice would be a lot of memory), then
    /// the profiles without a contact.
    static func compare(_ stack: TestStack) async throws -> ContactComparison {
        let schema = ChaosCRMSchema.of(stack)
        let remotes = schema.contactFields.map(\.remote) + [schema.modifiedField]
        let columns = schema.contactFields.map(\.column) + ["crm_modified_at"]
        let select = "SELECT crm_id, " + columns.map { "\($0)::text AS \($0)" }.joined(separator: ", ") + " FROM profiles"
        var result = ContactComparison()
        try await stack.crmAPI.forEachPage(schema.contactObject, idField: schema.contactID, fields: remotes) { page in
            result.crmCount += page.count
            let rows = try await stack.query(select + " WHERE crm_id = ANY($1::text[])", [PostgresArrayLiteral.text(Array(page.keys))])
            var seen = Set<String>()
            for row in rows {
                let id = row["crm_id"] ?? ""
                seen.insert(id)
                guard let record = page[id] else { continue }
                for (remote, column) in zip(remotes, columns) {
                    let value = record[remote] ?? .null
                    if !value.matches(campaign: row[column]) {
                        result.problem("\(id): \(remote) = \(value) in the CRM, \(column) = \(row[column] ?? "NULL") in Campaign")
                    }
                }
            }
            for id in page.keys where !seen.contains(id) { result.problem("contact \(id) has no profile") }
        }
        result.campaignCount = try await stack.count("SELECT count(*) FROM profiles")
        if result.campaignCount > result.crmCount {
            result.problem("\(result.campaignCount - result.crmCount) profiles are not CRM contacts")
        }
        return result
    }

    private mutating func problem(_ text: String) {
        problemCount += 1
        if problems.count < 5 { problems.append(text) }
    }
}
