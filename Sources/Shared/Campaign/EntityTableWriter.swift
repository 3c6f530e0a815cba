import Config
import CoreValues
import Foundation
import PostgresBridge

/// Applies envelopes of one entity to its Campaign table: upserts and deletes in set
/// statements, newer-wins on the last-modified column, tombstones against
/// resurrection, columns with `applyUpdates: false` written on insert only.
///
/// Built by `resolve`, which checks every configured identifier against the real table.
public struct EntityTableWriter: Sendable {
    public let entity: EntityConfig
    let schema: CampaignTableSchema
    let upsertSQL: String
    let deleteSQL: String

    /// A record that cannot be applied, with a stable code for the rejects table.
    public struct RowReject: Sendable, Equatable {
        public var id: String
        public var symbol: String
        public var message: String

        public init(id: String, symbol: String, message: String) {
            self.id = id
            self.symbol = symbol
            self.message = message
        }
    }

    /// Checks the table and every mapped column exist (and the key is unique); the
    /// error names what is missing, for the workflow's FAILED reason.
    public static func resolve(_ entity: EntityConfig, database: any PostgresQueryable) async throws -> EntityTableWriter {
        let table: PostgresIdentifier
        do {
            table = try PostgresIdentifier(validating: entity.table)
        } catch {
            throw CampaignSchemaMismatch("entity \(entity.name): table name \"\(entity.table)\" is not valid: \(error)")
        }
        guard let schema = try await CampaignTableSchema.read(table, from: database) else {
            throw CampaignSchemaMismatch("entity \(entity.name): table \(entity.table) does not exist in Campaign")
        }
        var needed = [(entity.idColumn, "the CRM id"), (entity.modifiedColumn, "the last-modified time")]
        needed += entity.fields.map { ($0.column, "field \($0.remote)") }
        if let soft = entity.deletes.softDeleteColumn { needed.append((soft, "the soft-delete flag")) }
        for (column, role) in needed where schema.columnTypes[column] == nil {
            throw CampaignSchemaMismatch("entity \(entity.name): column \(entity.table).\(column) (\(role)) does not exist in Campaign")
        }
        guard try await CampaignTableSchema.hasUniqueIndex(table, column: entity.idColumn, in: database) else {
            throw CampaignSchemaMismatch("entity \(entity.name): column \(entity.table).\(entity.idColumn) needs a unique index to be the upsert key")
        }
        return EntityTableWriter(entity: entity, schema: schema)
    }

    init(entity: EntityConfig, schema: CampaignTableSchema) {
        self.entity = entity
        self.schema = schema
        self.upsertSQL = Self.upsertStatement(entity: entity, schema: schema)
        self.deleteSQL = Self.deleteStatement(entity: entity, schema: schema)
    }

    /// The table as `crmbridge.tombstones.target_table` names it: `profiles`, `schema.table`.
    var tombstoneTable: String {
        (schema.table.schema.map { $0 + "." } ?? "") + schema.table.name
    }

    /// Maps upserts to rows; a value that cannot be converted rejects its record. The
    /// statement's parameters are built here too, so a writer can prepare the next batch
    /// while the current one runs in PostgreSQL.
    public func rows(for upserts: [Envelope]) -> (rows: Rows, rejects: [RowReject]) {
        var columns = Array(repeating: [String?](), count: 2 + entity.fields.count)
        var rejects: [RowReject] = []
        columns.indices.forEach { columns[$0].reserveCapacity(upserts.count) }
        var values: [String?] = []
        values.reserveCapacity(entity.fields.count)
        records: for envelope in upserts {
            values.removeAll(keepingCapacity: true)
            // PostgreSQL text cannot hold a NUL byte: one such value would fail the whole batch.
            if envelope.id.utf8.contains(0) {
                rejects.append(RowReject(id: envelope.id, symbol: "nul-byte",
                                         message: "the CRM id contains a NUL byte, which PostgreSQL text cannot hold"))
                continue records
            }
            for field in entity.fields {
                switch field.campaignValue(for: envelope.fields[field.remote] ?? .null) {
                case .success(let value?) where value.utf8.contains(0):
                    rejects.append(RowReject(id: envelope.id, symbol: "nul-byte",
                                             message: "field \(field.remote) → \(field.column): the value contains a NUL byte, which PostgreSQL text cannot hold"))
                    continue records
                case .success(let value): values.append(value)
                case .failure(let error):
                    rejects.append(RowReject(id: envelope.id, symbol: "conversion-failed",
                                             message: "field \(field.remote) → \(field.column): \(error)"))
                    continue records
                }
            }
            columns[0].append(envelope.id)
            columns[1].append(DateTimeText.rfc3339(envelope.modifiedAt))
            for (index, value) in values.enumerated() { columns[2 + index].append(value) }
        }
        return (Rows(columns: columns, tombstoneTable: tombstoneTable), rejects)
    }

    /// Upserts (newest per key already chosen by the caller); rows not newer than what
    /// Campaign holds, or older than their tombstone, change nothing. Returns rows applied.
    @discardableResult
    public func upsert(_ rows: Rows, in database: any PostgresQueryable) async throws -> Int {
        guard rows.count > 0 else { return 0 }
        return try await database.execute(upsertSQL, rows.parameters)
    }

    /// Deletes (or soft-deletes) rows not newer than the delete, and leaves tombstones.
    @discardableResult
    public func delete(_ deletes: [(id: String, at: Date)], in database: any PostgresQueryable) async throws -> Int {
        guard !deletes.isEmpty else { return 0 }
        return try await database.execute(deleteSQL, [
            PostgresArrayLiteral.text(deletes.map(\.id)),
            PostgresArrayLiteral.text(deletes.map { DateTimeText.rfc3339($0.at) }),
            tombstoneTable,
        ])
    }

    /// Rows ready for the upsert statement: one value array per column (id, modified,
    /// then the mapped fields) and the statement's parameters built from them.
    public struct Rows: Sendable {
        public let columns: [[String?]]
        let tombstoneTable: String
        let parameters: [String?]

        init(columns: [[String?]], tombstoneTable: String) {
            self.columns = columns
            self.tombstoneTable = tombstoneTable
            parameters = columns.map { PostgresArrayLiteral.text($0) } + [tombstoneTable]
        }

        public var count: Int { columns.first?.count ?? 0 }

        /// The CRM id of row `index`.
        public func id(_ index: Int) -> String { columns[0][index] ?? "" }

        /// Row `index` alone, to apply it under its own savepoint.
        public func single(_ index: Int) -> Rows {
            Rows(columns: columns.map { [$0[index]] }, tombstoneTable: tombstoneTable)
        }
    }
}
