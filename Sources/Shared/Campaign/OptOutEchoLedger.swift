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
///
/// The previous confirmed write of a contact is kept while the next one is only intended
/// (`Entry.previous`): until the next write lands, the CRM still shows the previous one,
/// and a reader seeing it then must not take it for a CRM change made at the time of that
/// write (seen in the CRM-faults chaos scenario: a write delayed by retries into the
/// second of the next Campaign flip came back as a CRM change and won the tie). A write
/// that does not happen (`forget`) gives the previous one back.
public struct OptOutEchoLedger: Sendable {
    /// How long an unconfirmed intent is trusted (a writer killed between its CRM call
    /// and the confirmation leaves one behind).
    public static let intentLifetimeSeconds = 300

    public struct Entry: Sendable, Equatable {
        /// A confirmed write before this one, while this one is only intended.
        public struct Previous: Sendable, Equatable {
            public var value: Bool
            public var sourceTime: Date
            public var crmModifiedAt: Date
            public var crmStamp: String?
        }

        public var value: Bool
        /// The Campaign time of the change that was written.
        public var sourceTime: Date
        /// The CRM's last-modified time after the write; nil until confirmed.
        public var crmModifiedAt: Date?
        /// The CRM's write stamp after the write (row version, last modifier), when it has one.
        public var crmStamp: String?
        /// An unconfirmed intent younger than `intentLifetimeSeconds`.
        public var isFreshIntent: Bool
        /// The confirmed write the CRM shows until this intended one lands.
        public var previous: Previous?

        public init(
            value: Bool, sourceTime: Date, crmModifiedAt: Date? = nil, crmStamp: String? = nil, isFreshIntent: Bool = false,
            previous: Previous? = nil
        ) {
            self.value = value
            self.sourceTime = sourceTime
            self.crmModifiedAt = crmModifiedAt
            self.crmStamp = crmStamp
            self.isFreshIntent = isFreshIntent
            self.previous = previous
        }

        /// Whether a CRM record showing `value`, modified at `modifiedAt` with the write
        /// stamp `stamp`, is a write of this sync (this one or, while this one is only
        /// intended, the previous one). The time alone has whole seconds: a person's edit
        /// in the same second differs only by the stamp.
        public func matches(value: Bool, modifiedAt: Date, stamp: String?) -> Bool {
            sourceTime(value: value, modifiedAt: modifiedAt, stamp: stamp) != nil
        }

        /// The Campaign time of the sync's write the CRM record shows, nil when it shows
        /// none of them.
        public func sourceTime(value: Bool, modifiedAt: Date, stamp: String?) -> Date? {
            if matchesThis(value: value, modifiedAt: modifiedAt, stamp: stamp) { return sourceTime }
            if let previous, crmModifiedAt == nil, value == previous.value,
               Self.same(previous.crmModifiedAt, modifiedAt), previous.crmStamp == nil || previous.crmStamp == stamp {
                return previous.sourceTime
            }
            return nil
        }

        /// Whether the record is this write (confirmed, or a fresh intent of its value).
        public func matchesThis(value: Bool, modifiedAt: Date, stamp: String?) -> Bool {
            guard value == self.value else { return false }
            if let crmModifiedAt {
                return Self.same(crmModifiedAt, modifiedAt) && (crmStamp == nil || crmStamp == stamp)
            }
            return isFreshIntent
        }

        private static func same(_ a: Date, _ b: Date) -> Bool { abs(a.timeIntervalSince(b)) < 0.001 }
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
                   (crm_modified_at IS NULL AND intended_at > now() - make_interval(secs => $2::int)) AS fresh,
                   prev_value, prev_source_time, prev_crm_modified_at, prev_crm_stamp
            FROM crmbridge.optout_crm_writes WHERE crm_id = ANY($1::text[])
            """,
            [PostgresArrayLiteral.text(ids), String(Self.intentLifetimeSeconds)])
        var entries: [String: Entry] = [:]
        for row in 0..<rows.rowCount {
            guard let id = try rows.string(row, "crm_id"), let value = try rows.bool(row, "value"),
                  let source = try rows.date(row, "source_time") else { continue }
            var previous: Entry.Previous?
            if let value = try rows.bool(row, "prev_value"), let source = try rows.date(row, "prev_source_time"),
               let modified = try rows.date(row, "prev_crm_modified_at") {
                previous = .init(value: value, sourceTime: source, crmModifiedAt: modified, crmStamp: try rows.string(row, "prev_crm_stamp"))
            }
            entries[id] = Entry(
                value: value, sourceTime: source, crmModifiedAt: try rows.date(row, "crm_modified_at"),
                crmStamp: try rows.string(row, "crm_stamp"),
                isFreshIntent: try rows.bool(row, "fresh") ?? false, previous: previous)
        }
        return entries
    }

    /// Before writing: the values about to be written and the Campaign times they carry.
    /// A confirmed write they replace is kept as the previous one until they are confirmed
    /// (an intent replacing an intent keeps the previous confirmed write it had).
    public func intend(_ writes: [(id: String, value: Bool, sourceTime: Date)]) async throws {
        guard !writes.isEmpty else { return }
        try await database.execute(
            """
            INSERT INTO crmbridge.optout_crm_writes AS w (crm_id, value, source_time, crm_modified_at, intended_at)
            SELECT * , NULL::timestamptz, now() FROM unnest($1::text[], $2::boolean[], $3::timestamptz[])
            ON CONFLICT (crm_id) DO UPDATE SET value = EXCLUDED.value, source_time = EXCLUDED.source_time,
                crm_modified_at = NULL, crm_stamp = NULL, intended_at = now(),
                prev_value = CASE WHEN w.crm_modified_at IS NULL THEN w.prev_value ELSE w.value END,
                prev_source_time = CASE WHEN w.crm_modified_at IS NULL THEN w.prev_source_time ELSE w.source_time END,
                prev_crm_modified_at = CASE WHEN w.crm_modified_at IS NULL THEN w.prev_crm_modified_at ELSE w.crm_modified_at END,
                prev_crm_stamp = CASE WHEN w.crm_modified_at IS NULL THEN w.prev_crm_stamp ELSE w.crm_stamp END
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
            UPDATE crmbridge.optout_crm_writes w SET crm_modified_at = c.modified_at, crm_stamp = c.stamp,
                prev_value = NULL, prev_source_time = NULL, prev_crm_modified_at = NULL, prev_crm_stamp = NULL
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

    /// Writes that did not happen (the CRM refused them): the previous confirmed write,
    /// if any, is the sync's last write again.
    public func forget(_ ids: [String]) async throws {
        guard !ids.isEmpty else { return }
        try await database.execute(
            """
            WITH gone AS (
                DELETE FROM crmbridge.optout_crm_writes
                WHERE crm_id = ANY($1::text[]) AND crm_modified_at IS NULL AND prev_value IS NULL
            )
            UPDATE crmbridge.optout_crm_writes SET value = prev_value, source_time = prev_source_time,
                crm_modified_at = prev_crm_modified_at, crm_stamp = prev_crm_stamp,
                prev_value = NULL, prev_source_time = NULL, prev_crm_modified_at = NULL, prev_crm_stamp = NULL
            WHERE crm_id = ANY($1::text[]) AND crm_modified_at IS NULL AND prev_value IS NOT NULL
            """,
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
