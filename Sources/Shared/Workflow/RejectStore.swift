import Config
import Foundation
import PostgresBridge

/// Rejected records (`crmbridge.rejects`): what a writer could not apply, what a CRM
/// refused. Every reject is also published to the workflow's rejects topic.
public struct RejectStore: Sendable {
    public struct Reject: Sendable, Equatable, Codable {
        public var workflow: WorkflowName
        public var entity: String?
        public var recordID: String?
        /// A stable code: the CRM's (`DUPLICATE_VALUE`, `0x80040237`) or ours (`bad-envelope`).
        public var errorSymbol: String
        public var errorMessage: String
        public var topic: String?
        public var partition: Int32?
        public var offset: Int64?
        public var createdAt: Date?

        public init(workflow: WorkflowName, entity: String?, recordID: String?, errorSymbol: String, errorMessage: String,
                    topic: String? = nil, partition: Int32? = nil, offset: Int64? = nil, createdAt: Date? = nil) {
            self.workflow = workflow
            self.entity = entity
            self.recordID = recordID
            self.errorSymbol = errorSymbol
            self.errorMessage = errorMessage
            self.topic = topic
            self.partition = partition
            self.offset = offset
            self.createdAt = createdAt
        }
    }

    let database: any PostgresQueryable

    public init(database: any PostgresQueryable) {
        self.database = database
    }

    /// Records several rejects in one statement (inside the caller's transaction, if any).
    /// A message already rejected (same workflow, topic, partition and offset: a
    /// re-delivery after a crash) is not recorded twice.
    public func record(_ rejects: [Reject]) async throws {
        guard !rejects.isEmpty else { return }
        try await database.execute(
            """
            INSERT INTO crmbridge.rejects (workflow, entity, record_id, error_symbol, error_message, topic, kafka_partition, kafka_offset)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::bigint[])
            ON CONFLICT DO NOTHING
            """,
            [
                PostgresArrayLiteral.text(rejects.map { $0.workflow.rawValue }),
                PostgresArrayLiteral.text(rejects.map(\.entity)),
                PostgresArrayLiteral.text(rejects.map(\.recordID)),
                PostgresArrayLiteral.text(rejects.map(\.errorSymbol)),
                PostgresArrayLiteral.text(rejects.map(\.errorMessage)),
                PostgresArrayLiteral.text(rejects.map(\.topic)),
                PostgresArrayLiteral.text(rejects.map { $0.partition.map(String.init) }),
                PostgresArrayLiteral.text(rejects.map { $0.offset.map(String.init) }),
            ])
    }

    public func latest(_ workflow: WorkflowName?, limit: Int = 50) async throws -> [Reject] {
        let rows = try await database.query(
            """
            SELECT workflow, entity, record_id, error_symbol, error_message, topic, kafka_partition, kafka_offset, created_at
            FROM crmbridge.rejects WHERE $1::text IS NULL OR workflow = $1 ORDER BY id DESC LIMIT $2
            """,
            [workflow?.rawValue, String(max(1, min(limit, 10_000)))])
        return try (0..<rows.rowCount).compactMap { row in
            guard let name = try rows.string(row, "workflow").flatMap(WorkflowName.init(rawValue:)) else { return nil }
            return Reject(
                workflow: name, entity: try rows.string(row, "entity"), recordID: try rows.string(row, "record_id"),
                errorSymbol: try rows.string(row, "error_symbol") ?? "", errorMessage: try rows.string(row, "error_message") ?? "",
                topic: try rows.string(row, "topic"), partition: try rows.int(row, "kafka_partition").map(Int32.init),
                offset: try rows.int64(row, "kafka_offset"), createdAt: try rows.date(row, "created_at"))
        }
    }
}
