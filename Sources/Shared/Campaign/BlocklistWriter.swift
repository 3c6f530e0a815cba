import Foundation
import PostgresBridge

/// Applies CRM opt-out changes to Campaign, matched by CRM id, with the conflict rule
/// in the statement itself (docs/opt-in-out.md), so it holds against whatever Campaign
/// has at that instant:
///
/// - the profile's flag came from the CRM (written by this sync) → a CRM change at the
///   same time or later applies: it is the CRM's own newer state;
/// - otherwise times are compared to the second (the CRM's precision): the newer wins,
///   and a tie goes to opt-out = true;
/// - an "unset" profile (flag false, no flag time: nobody ever set it) takes the CRM's
///   value; a profile flagged without a time keeps its opt-out (its time is unknown, so
///   it is a tie, and opt-out = true wins). It is not announced again: when it was set
///   the Campaign reader published it, and that became a `missing-blocklisted-at`
///   reject, which told the operator (announcing it at every CRM change would only
///   repeat that reject);
/// - a value equal to Campaign's is not written (no new change, no stamp);
/// - a CRM change that loses to Campaign's own value is `refused`: the caller has
///   Campaign's value announced again so that the CRM ends with it too.
///
/// An applied row gets `blocklisted_at` = the CRM record's modified time, and the
/// transaction is recorded in `crmbridge.optout_sync_xids`, so the Campaign reader
/// knows the row as written by the sync and does not send it back.
public struct BlocklistWriter: Sendable {
    public let table: BlocklistTable

    public init(table: BlocklistTable) {
        self.table = table
    }

    public struct Change: Sendable, Equatable {
        public var crmID: String
        public var value: Bool
        /// The CRM record's last-modified time.
        public var modifiedAt: Date

        public init(crmID: String, value: Bool, modifiedAt: Date) {
            self.crmID = crmID
            self.value = value
            self.modifiedAt = modifiedAt
        }
    }

    public struct Outcome: Sendable, Equatable {
        /// CRM ids whose profile took the change.
        public var applied: Set<String> = []
        /// CRM ids no profile has.
        public var unknown: Set<String> = []
        /// CRM ids whose profile keeps a different value of its own because it wins the
        /// rule: the CRM must be told (`announceAgain`).
        public var refused: Set<String> = []
    }

    /// Applies `changes` (distinct CRM ids) in one transaction of `database`.
    public func apply(_ changes: [Change], on database: any PostgresQueryable) async throws -> Outcome {
        guard !changes.isEmpty else { return Outcome() }
        let t = table
        return try await database.atomically(isolation: #isolation) { transaction in
            let rows = try await transaction.query(
                """
                WITH input AS (
                    SELECT * FROM unnest($1::text[], $2::boolean[], $3::timestamptz[]) AS i(crm_id, value, changed_at)
                ),
                target AS (
                    SELECT i.crm_id, i.value, i.changed_at, p.\(t.flag) AS flag, p.\(t.time) AS flag_time,
                           (p.\(t.id) IS NOT NULL) AS found, (s.xid IS NOT NULL) AS by_sync
                    FROM input i
                    LEFT JOIN \(t.table.quoted) p ON p.\(t.id)::text = i.crm_id
                    LEFT JOIN crmbridge.optout_sync_xids s ON s.xid = p.\(t.stamp)
                ),
                updated AS (
                    -- The rule reads the row being updated (not the CTE's snapshot), so a
                    -- concurrent edit of the profile is re-checked before it is overwritten.
                    UPDATE \(t.table.quoted) p SET \(t.flag) = i.value, \(t.time) = i.changed_at
                    FROM input i
                    WHERE p.\(t.id)::text = i.crm_id AND i.value IS DISTINCT FROM p.\(t.flag)
                      AND ((p.\(t.time) IS NULL AND i.value)
                           OR (i.changed_at >= p.\(t.time)
                               AND EXISTS (SELECT 1 FROM crmbridge.optout_sync_xids s WHERE s.xid = p.\(t.stamp)))
                           OR date_trunc('second', i.changed_at) > date_trunc('second', p.\(t.time))
                           OR (date_trunc('second', i.changed_at) = date_trunc('second', p.\(t.time)) AND i.value))
                    RETURNING p.\(t.id)::text AS crm_id
                )
                SELECT crm_id, 'applied' AS outcome FROM updated
                UNION ALL
                SELECT crm_id, 'unknown' FROM target WHERE NOT found
                UNION ALL
                SELECT x.crm_id, 'refused' FROM target x
                WHERE x.found AND NOT x.by_sync AND x.flag_time IS NOT NULL AND x.value IS DISTINCT FROM x.flag
                  AND x.crm_id NOT IN (SELECT crm_id FROM updated)
                """,
                [
                    PostgresArrayLiteral.text(changes.map(\.crmID)),
                    PostgresArrayLiteral.text(changes.map { $0.value ? "true" : "false" }),
                    PostgresArrayLiteral.text(changes.map { PostgresTimestamp.format($0.modifiedAt) }),
                ])
            var outcome = Outcome()
            for row in 0..<rows.rowCount {
                guard let id = try rows.string(row, "crm_id") else { continue }
                switch try rows.string(row, "outcome") {
                case "applied": outcome.applied.insert(id)
                case "refused": outcome.refused.insert(id)
                default: outcome.unknown.insert(id)
                }
            }
            if !outcome.applied.isEmpty {
                try await transaction.execute(
                    "INSERT INTO crmbridge.optout_sync_xids (xid) VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING", [])
            }
            return outcome
        }
    }

    /// Stamps the profiles of `crmIDs` again in a transaction of its own (not a sync
    /// transaction), so the Campaign reader publishes their current flag once more. Used
    /// when Campaign's value won over a CRM change: the CRM may hold the losing value
    /// after Campaign's had already reached it, and must get Campaign's again.
    public func announceAgain(_ crmIDs: Set<String>, on database: any PostgresQueryable) async throws {
        guard !crmIDs.isEmpty else { return }
        let t = table
        try await database.execute(
            "UPDATE \(t.table.quoted) SET \(t.stamp) = pg_current_xact_id() WHERE \(t.id)::text = ANY($1::text[])",
            [PostgresArrayLiteral.text(crmIDs.sorted())])
    }
}
