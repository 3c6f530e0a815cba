import Config
import Foundation
import PostgresBridge
import TestSupport

/// Contacts on both sides, flips as a user makes them, and what each side holds.
struct OptOutFixture {
    let stack: TestStack

    var object: String { stack.crm == .dynamics ? "contacts" : "Contact" }
    var idField: String { stack.crm == .dynamics ? "contactid" : "Id" }
    var field: String { stack.crm == .dynamics ? "donotbulkemail" : "HasOptedOutOfEmail" }
    var modifiedField: String { stack.crm == .dynamics ? "modifiedon" : "SystemModstamp" }

    /// `count` contacts in the CRM and a profile for each in Campaign with the same flag
    /// (an old `blocklisted_at`, so both sides agree before the test flips anything).
    /// Returns id → the flag both sides start with.
    func contacts(_ count: Int) async throws -> [String: Bool] {
        try await stack.seed(object, count: count)
        let flags = try await crmFlags()
        let ids = flags.keys.sorted()
        try await stack.withDatabase { database in
            try await database.execute(
                """
                INSERT INTO profiles (crm_id, blocklisted, blocklisted_at)
                SELECT id, flag, timestamptz '2020-01-01 00:00:00+00' FROM unnest($1::text[], $2::boolean[]) AS t(id, flag)
                """,
                [PostgresArrayLiteral.text(ids), PostgresArrayLiteral.text(ids.map { flags[$0]! ? "true" : "false" })])
        }
        return flags
    }

    /// The CRM's flag of every contact.
    func crmFlags() async throws -> [String: Bool] {
        let records = try await stack.crmAPI.records(object, idField: idField, fields: [field])
        var flags: [String: Bool] = [:]
        for (id, fields) in records {
            if case .bool(let flag)? = fields[field] { flags[id] = flag }
        }
        return flags
    }

    /// The CRM's last-modified time of every contact, as it sends it.
    func crmModified() async throws -> [String: String] {
        let records = try await stack.crmAPI.records(object, idField: idField, fields: [modifiedField])
        return records.compactMapValues { $0[modifiedField]?.stringValue }
    }

    /// Campaign's flag of every profile.
    func campaignFlags() async throws -> [String: Bool] {
        let rows = try await stack.query("SELECT crm_id, blocklisted FROM profiles WHERE crm_id IS NOT NULL")
        var flags: [String: Bool] = [:]
        for row in 0..<rows.rowCount {
            if let id = try rows.string(row, "crm_id"), let flag = try rows.bool(row, "blocklisted") { flags[id] = flag }
        }
        return flags
    }

    /// Each profile's row version (`xmin`): it changes on any write, even one that sets
    /// the same values.
    func campaignRowVersions() async throws -> [String: String] {
        let rows = try await stack.query("SELECT crm_id, xmin::text AS version FROM profiles WHERE crm_id IS NOT NULL")
        var versions: [String: String] = [:]
        for row in 0..<rows.rowCount {
            if let id = try rows.string(row, "crm_id"), let version = try rows.string(row, "version") { versions[id] = version }
        }
        return versions
    }

    /// A user sets the flag in the CRM. Answers the second the CRM stamps it with: the
    /// update is sent again until it starts and ends within one wall-clock second (the
    /// emulator runs on this machine's clock), so the second is known exactly.
    @discardableResult
    func flipInCRM(_ id: String, to value: Bool) async throws -> Int64 {
        while true {
            let before = Int64(Date().timeIntervalSince1970.rounded(.down))
            try await stack.crmAPI.update(object, id: id, [field: value])
            let after = Int64(Date().timeIntervalSince1970.rounded(.down))
            if before == after { return before }
        }
    }

    /// A user (or Campaign itself) sets the flag in Campaign, with its time; answers the time.
    @discardableResult
    func flipInCampaign(_ id: String, to value: Bool) async throws -> Date {
        let rows = try await stack.query(
            "UPDATE profiles SET blocklisted = $2::boolean, blocklisted_at = clock_timestamp() WHERE crm_id = $1 RETURNING blocklisted_at",
            [id, value ? "true" : "false"])
        guard let time = try rows.date(0, "blocklisted_at") else { throw TestStackError("no profile \(id)") }
        return time
    }
}
