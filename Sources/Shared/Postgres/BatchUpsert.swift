/// How a batch of rows is written into one table, newer-wins.
///
/// Each row carries every column of `columns`, in that order, as text (`nil` is NULL). A row
/// whose key is new is inserted. A row whose key exists updates the stored row only when its
/// `versionColumn` value is strictly newer (e.g. `crm_modified_at`): replays and
/// re-deliveries of older or equal versions change nothing. Columns with
/// `applyUpdates == false` are written on insert only. Within one batch, several rows for the
/// same key collapse to the newest version (the later row on a tie).
///
/// Column types come from the table itself (`pg_attribute`), so a plan is only names; a
/// column missing from the table is a `.schemaMismatch` error naming it.
public struct BatchUpsert: Sendable, Hashable {
    public struct Column: Sendable, Hashable {
        public var name: String
        /// When false the column is set on insert and never updated afterwards.
        public var applyUpdates: Bool

        public init(_ name: String, applyUpdates: Bool = true) {
            self.name = name
            self.applyUpdates = applyUpdates
        }
    }

    /// The two implementations; both give the same rows and the same counts.
    public enum Method: String, Sendable, Hashable, CaseIterable {
        /// `INSERT … SELECT … FROM unnest($1::text[], …) ON CONFLICT … DO UPDATE … WHERE newer`.
        case unnest
        /// `COPY … FROM STDIN` into a temporary table, then one `INSERT … SELECT … ON CONFLICT`.
        case copy

        /// The faster of the two, measured on 100,000 rows (see docs/postgres-batch-upsert.md).
        public static let `default`: Method = .copy
    }

    public let table: PostgresIdentifier
    public let keyColumns: [String]
    public let columns: [Column]
    public let versionColumn: String

    /// Checks the plan: at least one key, unique column names, the keys and the version
    /// among the columns, the version not a key.
    public init(
        table: PostgresIdentifier, keyColumns: [String], columns: [Column], versionColumn: String
    ) throws {
        let names = columns.map(\.name)
        func fail(_ message: String) -> PostgresError {
            PostgresError.invalidArgument("batch upsert into \(table): \(message)", operation: "BatchUpsert")
        }
        guard !keyColumns.isEmpty else { throw fail("at least one key column is required") }
        guard Set(names).count == names.count else { throw fail("column names must be unique") }
        guard Set(keyColumns).count == keyColumns.count else { throw fail("key columns must be unique") }
        let allNames = names + keyColumns + [versionColumn, table.name] + (table.schema.map { [$0] } ?? [])
        guard allNames.allSatisfy({ !$0.isEmpty && !$0.utf8.contains(0) }) else {
            throw fail("names must be non-empty and free of NUL bytes")
        }
        for key in keyColumns where !names.contains(key) {
            throw fail("key column \"\(key)\" is not among the columns")
        }
        guard names.contains(versionColumn) else {
            throw fail("version column \"\(versionColumn)\" is not among the columns")
        }
        guard !keyColumns.contains(versionColumn) else {
            throw fail("the version column cannot be a key column")
        }
        self.table = table
        self.keyColumns = keyColumns
        self.columns = columns
        self.versionColumn = versionColumn
    }

    /// Convenience: every column updatable.
    public init(table: PostgresIdentifier, keyColumns: [String], columns: [String], versionColumn: String) throws {
        try self.init(table: table, keyColumns: keyColumns, columns: columns.map { Column($0) },
                      versionColumn: versionColumn)
    }

    var columnNames: [String] { columns.map(\.name) }

    /// Checks that every row has one value per column and a non-NULL key.
    func validate(rows: [[String?]]) throws {
        let keyIndices = keyColumns.compactMap { columnNames.firstIndex(of: $0) }
        for (index, row) in rows.enumerated() {
            guard row.count == columns.count else {
                throw PostgresError.invalidArgument(
                    "row \(index) has \(row.count) values for \(columns.count) columns", operation: "BatchUpsert")
            }
            for keyIndex in keyIndices where row[keyIndex] == nil {
                throw PostgresError.invalidArgument(
                    "row \(index) has a NULL key column \"\(columns[keyIndex].name)\"", operation: "BatchUpsert")
            }
        }
    }
}
