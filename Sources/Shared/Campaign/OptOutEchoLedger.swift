import Foundation
import PostgresBridge

/// What opt-in-out wrote into the CRM (`crmbridge.optout_crm_writes`), so that its own
/// writes are never read back as CRM changes (no echo, no ping-pong) and a new Campaign
/// change is compared with the time the CRM's value really has.
///
/// The writer records an intent before it writes (so a reader that sees the write
/// before it is confirmed still knows it), then confirms it with the last-modified
/// time the CRM shows after the write. A CRM record is "ours" while it still has the
/// value we wrote and that very last-modified time: any later edit in the CRM moves the
/// time and makes it the CRM's own change again.
public struct OptOutEchoLedger: Sendable {
    /// How long an unconfirmed intent is trusted (a writer killed between its CRM call
    /// and the confirmation leaves one behind).
    public static let intentLifetimeSeconds = 300

    public struct Entry: Sendable, Equatable {
        public var value: Bool
        /// The Campaign time of the change that was written.
        public var sourceTime: Date
        /// The CRM's last-modified time after the write; nil until confirmed.
        public var crmModifiedAt: Date?
        /// The CRM's write stamp after the write (row version, last modifier), when it has one.
        public var crmStamp: String?
        /// An unconfirmed intent younger than `intentLifetimeSeconds`.
        public var isFreshIntent: Bool

        /// Whether a CRM record showing `value`, modified at `modifiedAt` with the write
        /// stamp `stamp`, is this write. The time alone has whole seconds: a person's edit
        /// in the same second differs only by the stamp.
        public func matches(value: Bool, modifiedAt: Date, stamp: String?) -> Bool {
            guard value == self.value else { return false }
            if let crmModifiedAt {
                return abs(crmModifiedAt.timeIntervalSince(modifiedAt)) < 0.001 && (crmStamp == nil || crmStamp == stamp)
            }
            return isFreshIntent
        }
    }

    /// A write as the CRM shows it afterwards.
    public struct Confirmation: Sendable {
        public var id: String
        public var value: Bool
        public var modifiedAt: Date
        public var stamp: String?

        public init(id: String, value: Bool, modifiedAt: Date, stamp: String?) {
            self.id = id
            self.value = value
            self.modifiedAt = modifiedAt
            self.stamp = stamp
        }
    }

    let database: any PostgresQueryable

    public init(database: any PostgresQueryable) {
        self.database = database
    }

    public func entries(_ ids: [String]) async throws -> [String: Entry] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await database.query(
            """
            SELECT crm_id, value, source_time, crm_modified_at, crm_stamp,
                   (crm_modified_at IS NULL AND intended_at > now() - make_interval(secs => $2::int)) AS fresh
            FROM crmbridge.optout_crm_writes WHERE crm_id = ANY($1::text[])
            """,
            [PostgresArrayLiteral.text(ids), String(Self.intentLifetimeSeconds)])
        var entries: [String: Entry] = [:]
        for row in 0..<rows.rowCount {
            guard let id = try rows.string(row, "crm_id"), let value = try rows.bool(row, "value"),
                  let source = try rows.date(row, "source_time") else { continue }
            entries[id] = Entry(
                value: value, sourceTime: source, crmModifiedAt: try rows.date(row, "crm_modified_at"),
                crmStamp: try rows.string(row, "crm_stamp"),
                isFreshIntent: try rows.bool(row, "fresh") ?? false)
        }
        return entries
    }

    /// Before writing: the values about to be written and the Campaign times they carry.
    public func intend(_ writes: [(id: String, value: Bool, sourceTime: Date)]) async throws {
        guard !writes.isEmpty else { return }
        try await database.execute(
            """
            INSERT INTO crmbridge.optout_crm_writes (crm_id, value, source_time, crm_modified_at, intended_at)
            SELECT * , NULL::timestamptz, now() FROM unnest($1::text[], $2::boolean[], $3::timestamptz[])
            ON CONFLICT (crm_id) DO UPDATE SET value = EXCLUDED.value, source_time = EXCLUDED.source_time,
                crm_modified_at = NULL, crm_stamp = NULL, intended_at = now()
            """,
            [
                PostgresArrayLiteral.text(writes.map(\.id)),
                PostgresArrayLiteral.text(writes.map { $0.value ? "true" : "false" }),
                PostgresArrayLiteral.text(writes.map { PostgresTimestamp.format($0.sourceTime) }),
            ])
    }

    /// After writing: the CRM's last-modified time and write stamp of the records that
    /// show the value written (a record already changed again by someone else is left
    /// unconfirmed).
    public func confirm(_ records: [Confirmation]) async throws {
        guard !records.isEmpty else { return }
        try await database.execute(
            """
            UPDATE crmbridge.optout_crm_writes w SET crm_modified_at = c.modified_at, crm_stamp = c.stamp
            FROM unnest($1::text[], $2::boolean[], $3::timestamptz[], $4::text[]) AS c(crm_id, value, modified_at, stamp)
            WHERE w.crm_id = c.crm_id AND w.value = c.value
            """,
            [
                PostgresArrayLiteral.text(records.map(\.id)),
                PostgresArrayLiteral.text(records.map { $0.value ? "true" : "false" }),
                PostgresArrayLiteral.text(records.map { PostgresTimestamp.format($0.modifiedAt) }),
                PostgresArrayLiteral.text(records.map(\.stamp)),
            ])
    }

    /// Writes that did not happen (the CRM refused them).
    public func forget(_ ids: [String]) async throws {
        guard !ids.isEmpty else { return }
        try await database.execute(
            "DELETE FROM crmbridge.optout_crm_writes WHERE crm_id = ANY($1::text[]) AND crm_modified_at IS NULL",
            [PostgresArrayLiteral.text(ids)])
    }

    /// Asks the CRM reader to publish these contacts' current value again (their CRM
    /// value won over a Campaign change).
    public func askRepublish(_ ids: [String]) async throws {
        guard !ids.isEmpty else { return }
        try await database.execute(
            """
            INSERT INTO crmbridge.optout_crm_republish (crm_id) SELECT unnest($1::text[])
            ON CONFLICT (crm_id) DO UPDATE SET asked_at = now()
            """,
            [PostgresArrayLiteral.text(ids)])
    }

    /// The contacts to publish again, and the database time they were read at.
    public func republishRequests(limit: Int = 1000) async throws -> (ids: [String], readAt: Date?) {
        let rows = try await database.query(
            "SELECT crm_id, now() AS read_at FROM crmbridge.optout_crm_republish ORDER BY asked_at LIMIT $1",
            [String(limit)])
        var ids: [String] = []
        var readAt: Date?
        for row in 0..<rows.rowCount {
            if let id = try rows.string(row, "crm_id") { ids.append(id) }
            readAt = try rows.date(row, "read_at")
        }
        return (ids, readAt)
    }

    /// Done: the requests read at `readAt` (a later request for the same contact stays).
    public func clearRepublish(_ ids: [String], readAt: Date) async throws {
        guard !ids.isEmpty else { return }
        try await database.execute(
            "DELETE FROM crmbridge.optout_crm_republish WHERE crm_id = ANY($1::text[]) AND asked_at <= $2::timestamptz",
            [PostgresArrayLiteral.text(ids), PostgresTimestamp.format(readAt)])
    }
}
