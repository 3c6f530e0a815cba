import Foundation

/// The value of every CRM Bridge Kafka message (SPEC §4): one change of one record.
///
/// `{"schema":1,"op":"upsert","system":"dynamics","entity":"contact","id":"…",
///   "modifiedAt":"2026-01-02T03:04:05Z","fields":{…}}`
///
/// Decode with `Envelope.decode(_:)` (strict, every problem named), encode with
/// `encoded()` / `encode(into:)` (hand-written, the readers' hot path).
public struct Envelope: Sendable, Equatable {
    /// The schema version this code writes and reads.
    public static let currentSchema = 1

    /// Whether the record was created/changed or deleted at its source.
    public enum Operation: String, Sendable, CaseIterable {
        case upsert
        case delete
    }

    /// The system the record comes from.
    public enum System: String, Sendable, CaseIterable {
        case dynamics
        case salesforce
        case campaign
    }

    public var schema: Int
    public var op: Operation
    public var system: System
    /// The configured entity name (`contact`), or the export / event stream name.
    public var entity: String
    /// The record id in its source system (also the Kafka key).
    public var id: String
    /// When the source last modified the record (UTC; microsecond precision on the wire).
    public var modifiedAt: Date
    /// The record's fields by source field name; empty for most deletes.
    public var fields: [String: FieldValue]

    public init(
        op: Operation, system: System, entity: String, id: String, modifiedAt: Date,
        fields: [String: FieldValue] = [:]
    ) {
        self.schema = Self.currentSchema
        self.op = op
        self.system = system
        self.entity = entity
        self.id = id
        self.modifiedAt = modifiedAt
        self.fields = fields
    }
}
