import Config
import CoreValues
import Foundation
import PostgresBridge

/// Reads the new and changed rows of an export's Campaign table or query without ever
/// skipping one whose transaction commits late, as `EmailEventSource` does for email
/// events: every row carries the stamp of the transaction that last wrote it
/// (`crmbridge_xid xid8 DEFAULT pg_current_xact_id()`, stamped again on update by a
/// trigger), and a read returns only rows stamped below the oldest transaction still in
/// flight, in `(stamp, id)` order after the cursor (the LASTEXPORT option of the export).
public struct ExportSource: Sendable {
    public enum Origin: Sendable, Equatable {
        case table(PostgresIdentifier)
        /// A SELECT whose columns include the stamp, the id and the mapped columns.
        case query(String)
    }

    public let name: String
    public let origin: Origin
    /// The stamp column (`xid8`).
    public let stamp: String
    /// The row's own whole-number id.
    public let id: String

    public init(name: String, source: ExportConfig.Source, stampColumn: String, idColumn: String) throws {
        self.name = name
        switch source {
        case .table(let text): origin = .table(try PostgresIdentifier(validating: text))
        case .query(let sql): origin = .query(sql)
        }
        stamp = stampColumn
        id = idColumn
    }

    public init(_ export: ExportConfig) throws {
        try self.init(name: export.name, source: export.source, stampColumn: export.stampColumn, idColumn: export.idColumn)
    }

    /// The DDL a table source needs once: the stamp column, its default, a trigger that
    /// stamps a row again when it changes (so an update is exported too), and an index.
    public func stampDDL(_ table: PostgresIdentifier) -> String {
        let column = PostgresIdentifier.quote(stamp)
        let trigger = PostgresIdentifier.quote("\(table.name)_\(stamp)_stamp")
        return """
            ALTER TABLE \(table.quoted) ADD COLUMN IF NOT EXISTS \(column) xid8;
            ALTER TABLE \(table.quoted) ALTER COLUMN \(column) SET DEFAULT pg_current_xact_id();
            CREATE OR REPLACE FUNCTION crmbridge_stamp_\(stamp)() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.\(column) := pg_current_xact_id(); RETURN NEW; END $$;
            CREATE OR REPLACE TRIGGER \(trigger) BEFORE UPDATE ON \(table.quoted) FOR EACH ROW EXECUTE FUNCTION crmbridge_stamp_\(stamp)();
            CREATE INDEX IF NOT EXISTS \(PostgresIdentifier.quote("\(table.name)_\(stamp)")) ON \(table.quoted) (\(column), \(PostgresIdentifier.quote(id)));
            """
    }

    /// Checks that the source has the stamp column (`xid8`), the id and `columns`; the
    /// mismatch names what is missing and, for a table, the DDL to run.
    public func checkSchema(columns: [String], on database: any PostgresQueryable) async throws {
        switch origin {
        case .table(let table):
            guard let schema = try await CampaignTableSchema.read(table, from: database) else {
                throw CampaignSchemaMismatch("export \(name): table \(table) does not exist")
            }
            let missing = ([id] + columns).filter { schema.columnTypes[$0] == nil }
            if !missing.isEmpty {
                throw CampaignSchemaMismatch("export \(name): table \(table) lacks column(s) \(Self.unique(missing).joined(separator: ", "))")
            }
            guard schema.columnTypes[stamp] == "xid8" else {
                let found = schema.columnTypes[stamp].map { "has type \($0), not xid8" } ?? "is missing"
                throw CampaignSchemaMismatch(
                    "export \(name): column \(table).\(stamp) \(found); it stamps each row with the transaction that last wrote it so a late commit is never skipped. Run once: \(stampDDL(table).replacingOccurrences(of: "\n", with: " "))")
            }
        case .query:
            // The query's own columns, without reading a row: an error names what is wrong.
            do {
                _ = try await database.query(
                    "SELECT \(([stamp, id] + columns).map { "s.\(PostgresIdentifier.quote($0))" }.joined(separator: ", ")) FROM \(sourceSQL) s LIMIT 0", [])
            } catch let error as PostgresError {
                throw CampaignSchemaMismatch("export \(name): the query does not give the columns \(([stamp, id] + columns).joined(separator: ", ")) with the stamp an xid8: \(error)")
            }
        }
    }

    /// One row: its cursor and its columns as typed values.
    public struct Row: Sendable, Equatable {
        public var cursor: EmailEventCursor
        public var values: [String: FieldValue]
    }

    /// Up to `limit` settled rows after `cursor`, in `(stamp, id)` order.
    public func read(after cursor: EmailEventCursor, limit: Int, on database: any PostgresQueryable) async throws -> [Row] {
        let stampColumn = "s.\(PostgresIdentifier.quote(stamp))"
        let idColumn = "s.\(PostgresIdentifier.quote(id))"
        // Every column with its JSON type, values as text: typed without guessing.
        let rows = try await database.query(
            """
            SELECT \(stampColumn)::text AS crmbridge_stamp, \(idColumn)::bigint AS crmbridge_id,
                   (SELECT jsonb_object_agg(f.key, jsonb_build_array(jsonb_typeof(f.value), f.value #>> '{}'))
                    FROM jsonb_each(to_jsonb(s)) f)::text AS crmbridge_fields
            FROM \(sourceSQL) s
            WHERE \(stampColumn) < pg_snapshot_xmin(pg_current_snapshot())
              AND (\(stampColumn), \(idColumn)::bigint) > ($1::xid8, $2::bigint)
            ORDER BY \(stampColumn), \(idColumn)::bigint
            LIMIT $3
            """,
            [String(cursor.xid), String(cursor.id), String(max(1, limit))])
        var result: [Row] = []
        for row in 0..<rows.rowCount {
            guard let stampText = try rows.string(row, "crmbridge_stamp"), let stampValue = UInt64(stampText),
                  let idValue = try rows.int64(row, "crmbridge_id") else { continue }
            let fields = try rows.string(row, "crmbridge_fields") ?? "{}"
            result.append(Row(cursor: EmailEventCursor(xid: stampValue, id: idValue), values: Self.values(fields)))
        }
        return result
    }

    /// `{"col": ["number", "42"], …}` (the JSON type and the value's text) as field values.
    static func values(_ text: String) -> [String: FieldValue] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return [:] }
        var values: [String: FieldValue] = [:]
        for (key, pair) in object {
            guard let pair = pair as? [Any], pair.count == 2, let type = pair[0] as? String else { continue }
            let value = pair[1] as? String
            switch (type, value) {
            case (_, nil), ("null", _): values[key] = .null
            case ("number", let text?): values[key] = JSONNumber(text).map(FieldValue.number) ?? .string(text)
            case ("boolean", let text?): values[key] = .bool(text == "true")
            case (_, let text?): values[key] = .string(text)
            }
        }
        return values
    }

    private var sourceSQL: String {
        switch origin {
        case .table(let table): table.quoted
        case .query(let sql): "(\(sql))"
        }
    }

    private static func unique(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.filter { seen.insert($0).inserted }
    }
}
