import Foundation
import PostgresBridge

/// Reads Campaign's opt-out changes without ever skipping one that commits late: rows
/// are read in `(stamp, crm id)` order, only below `pg_snapshot_xmin`, the oldest
/// transaction still in flight (as `EmailEventSource`). A profile changed again gets a
/// newer stamp and is read again; rows without a CRM id are not part of the sync.
public struct BlocklistSource: Sendable {
    public let table: BlocklistTable

    public init(table: BlocklistTable) {
        self.table = table
    }

    public struct Page: Sendable {
        public var changes: [BlocklistChange]
        /// `pg_snapshot_xmin` when read.
        public var horizon: UInt64
    }

    public func read(after cursor: BlocklistCursor, limit: Int, on database: any PostgresQueryable) async throws -> Page {
        let t = table
        let rows = try await database.query(
            """
            WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
            SELECT p.\(t.stamp)::text AS stamp, p.\(t.id)::text AS crm_id, p.\(t.flag) AS flag, p.\(t.time) AS flag_time,
                   (s.xid IS NOT NULL) AS by_sync, h.xmin::text AS horizon
            FROM \(t.table.quoted) p CROSS JOIN horizon h
            LEFT JOIN crmbridge.optout_sync_xids s ON s.xid = p.\(t.stamp)
            WHERE p.\(t.stamp) < h.xmin AND p.\(t.id) IS NOT NULL
              AND (p.\(t.stamp), p.\(t.id)::text) > ($1::xid8, $2::text)
            ORDER BY p.\(t.stamp), p.\(t.id)::text
            LIMIT $3
            """,
            [String(cursor.xid), cursor.crmID, String(max(1, limit))])
        var page = Page(changes: [], horizon: 0)
        for row in 0..<rows.rowCount {
            guard let stamp = try rows.string(row, "stamp").flatMap(UInt64.init), let crmID = try rows.string(row, "crm_id") else { continue }
            page.horizon = try rows.string(row, "horizon").flatMap(UInt64.init) ?? 0
            page.changes.append(BlocklistChange(
                cursor: BlocklistCursor(xid: stamp, crmID: crmID), crmID: crmID,
                blocklisted: try rows.bool(row, "flag") ?? false, blocklistedAt: try rows.date(row, "flag_time"),
                writtenBySync: try rows.bool(row, "by_sync") ?? false))
        }
        return page
    }
}
