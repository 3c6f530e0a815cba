import Foundation
import PostgresBridge

/// Reads new rows of Campaign's `email_events` table without ever skipping one that
/// commits late.
///
/// Ids come from a sequence and commit out of order, so `id > last` loses the row of a
/// transaction that was still open when a later id was read (the years-old bug of
/// Kafka Connect's JDBC source). Instead every row carries the id of its inserting
/// transaction (`crmbridge_xid xid8 DEFAULT pg_current_xact_id()`), and a read returns
/// only rows stamped below `pg_snapshot_xmin(pg_current_snapshot())`, the oldest
/// transaction still in flight: every row below it is committed (or rolled back) for
/// good, and every transaction that commits later has a stamp at or above it. The
/// cursor `(stamp, id)` only moves forward over settled rows.
public struct EmailEventSource: Sendable {
    /// The stamp column the table needs (docs/campaign-to-crm.md).
    public static let stampColumn = "crmbridge_xid"

    public let table: PostgresIdentifier

    public init(table: PostgresIdentifier) {
        self.table = table
    }

    /// The table from the configuration (`email_events` or `schema.table`).
    public init(configuredTable text: String) throws {
        self.table = try PostgresIdentifier(validating: text)
    }

    /// The one-time DDL an operator runs on the table: no rewrite, no long lock; rows
    /// inserted before it keep a NULL stamp and are not exported (see the docs for the
    /// optional backfill).
    public var stampDDL: String {
        """
        ALTER TABLE \(table.quoted) ADD COLUMN IF NOT EXISTS \(Self.stampColumn) xid8;
        ALTER TABLE \(table.quoted) ALTER COLUMN \(Self.stampColumn) SET DEFAULT pg_current_xact_id();
        CREATE INDEX IF NOT EXISTS \(table.name)_\(Self.stampColumn) ON \(table.quoted) (\(Self.stampColumn), id);
        """
    }

    /// Checks that the table exists with the SPEC §2.2 columns and the stamp column
    /// (type `xid8`, default `pg_current_xact_id()`); the mismatch names what to run.
    public func checkSchema(on database: any PostgresQueryable) async throws {
        guard let schema = try await CampaignTableSchema.read(table, from: database) else {
            throw CampaignSchemaMismatch("email events: table \(table) does not exist")
        }
        let required = ["id", "event_type", "crm_id", "occurred_at", "campaign_name", "delivery_name", "url", "bounce_type"]
        let missing = required.filter { schema.columnTypes[$0] == nil }
        if !missing.isEmpty {
            throw CampaignSchemaMismatch("email events: table \(table) lacks column(s) \(missing.joined(separator: ", "))")
        }
        guard schema.columnTypes[Self.stampColumn] == "xid8" else {
            let found = schema.columnTypes[Self.stampColumn].map { "has type \($0), not xid8" } ?? "is missing"
            throw CampaignSchemaMismatch(
                "email events: column \(table).\(Self.stampColumn) \(found); it stamps each row with its transaction so a late commit is never skipped. Run once: \(stampDDL.replacingOccurrences(of: "\n", with: " "))")
        }
        let rows = try await database.query(
            """
            SELECT pg_get_expr(d.adbin, d.adrelid) AS default_value FROM pg_attribute a
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attrelid = to_regclass($1) AND a.attname = $2
            """,
            [table.quoted, Self.stampColumn])
        guard try rows.string(0, "default_value")?.contains("pg_current_xact_id()") == true else {
            throw CampaignSchemaMismatch(
                "email events: column \(table).\(Self.stampColumn) has no DEFAULT pg_current_xact_id(), so new rows are not stamped. Run once: ALTER TABLE \(table.quoted) ALTER COLUMN \(Self.stampColumn) SET DEFAULT pg_current_xact_id();")
        }
    }

    /// A page of settled rows after `cursor`, in `(stamp, id)` order, and the horizon.
    public struct Page: Sendable {
        public var rows: [EmailEventRow]
        /// `pg_snapshot_xmin` when read: the oldest transaction still in flight.
        public var horizon: UInt64
        /// Committed rows at or above the horizon: they wait for an older transaction.
        public var waitingBehindHorizon: Int
    }

    public func read(after cursor: EmailEventCursor, limit: Int, on database: any PostgresQueryable) async throws -> Page {
        // One statement, one snapshot: the horizon and the rows agree.
        let rows = try await database.query(
            """
            WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
            page AS (
                SELECT e.\(Self.stampColumn)::text AS stamp, e.id, e.event_type, e.crm_id, e.occurred_at,
                       e.campaign_name, e.delivery_name, e.url, e.bounce_type
                FROM \(table.quoted) e, horizon h
                WHERE e.\(Self.stampColumn) < h.xmin
                  AND (e.\(Self.stampColumn), e.id) > ($1::xid8, $2::bigint)
                ORDER BY e.\(Self.stampColumn), e.id
                LIMIT $3
            )
            SELECT p.*, NULL::text AS horizon, NULL::bigint AS waiting FROM page p
            UNION ALL
            SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, h.xmin::text,
                   (SELECT count(*) FROM \(table.quoted) w WHERE w.\(Self.stampColumn) >= h.xmin)
            FROM horizon h
            """,
            [String(cursor.xid), String(cursor.id), String(max(1, limit))])
        var page = Page(rows: [], horizon: 0, waitingBehindHorizon: 0)
        for row in 0..<rows.rowCount {
            if let horizon = try rows.string(row, "horizon") {
                page.horizon = UInt64(horizon) ?? 0
                page.waitingBehindHorizon = try rows.int(row, "waiting") ?? 0
                continue
            }
            guard let stamp = try rows.string(row, "stamp").flatMap(UInt64.init), let id = try rows.int64(row, "id") else { continue }
            page.rows.append(EmailEventRow(
                cursor: EmailEventCursor(xid: stamp, id: id),
                eventType: try rows.string(row, "event_type"), crmID: try rows.string(row, "crm_id"),
                occurredAt: try rows.date(row, "occurred_at"), campaignName: try rows.string(row, "campaign_name"),
                deliveryName: try rows.string(row, "delivery_name"), url: try rows.string(row, "url"),
                bounceType: try rows.string(row, "bounce_type")))
        }
        // UNION ALL keeps the page's order in practice; sorting makes it a guarantee.
        page.rows.sort { ($0.cursor.xid, $0.cursor.id) < ($1.cursor.xid, $1.cursor.id) }
        return page
    }
}
