import CRMConnectors
import Config
import CoreValues
import Foundation
import Mapping
import WorkflowRuntime

/// One export (or delete by key) of campaign-to-crm as both roles see it: where the rows
/// come from, the topic they travel on, and the CRM write they become.
struct ExportPlan: Sendable {
    var name: String
    var source: ExportConfig.Source
    var stampColumn: String
    var idColumn: String
    var interval: Duration
    var batchSize: Int
    var target: CRMExportTarget
    /// The Campaign column holding the CRM key; nil for an insert.
    var keyColumn: String?
    var fields: [ExportConfig.Field]
    /// `delete` for a delete by key, `upsert` for everything else.
    var op: Envelope.Operation

    var topic: String { Topics.campaignToCRM(export: name) }

    /// The Campaign columns the reader publishes.
    var columns: [String] {
        var seen: Set<String> = []
        return ([keyColumn].compactMap { $0 } + fields.map(\.column)).filter { seen.insert($0).inserted }
    }

    static func all(_ config: CampaignToCRMConfig) -> [ExportPlan] {
        let exports = config.exports.map { export in
            let operation: CRMExportTarget.Operation = switch export.mode {
            case .insert: .insert
            case .update: .update
            case .upsert: .upsert
            }
            let key = operation == .insert ? nil : export.key
            return ExportPlan(
                name: export.name, source: export.source, stampColumn: export.stampColumn, idColumn: export.idColumn,
                interval: export.interval, batchSize: export.batchSize,
                target: CRMExportTarget(
                    export: export.name, object: export.remoteObject, operation: operation, keyField: key?.remote,
                    alternateKey: key?.alternate ?? false),
                keyColumn: key?.column, fields: export.fields, op: .upsert)
        }
        let deletes = config.deletes.map { delete in
            ExportPlan(
                name: delete.name, source: delete.source, stampColumn: delete.cursorColumn ?? ExportConfig.defaultCursorColumn,
                idColumn: delete.idColumn, interval: delete.interval, batchSize: delete.batchSize,
                target: CRMExportTarget(export: delete.name, object: delete.remoteObject, operation: .delete, keyField: nil, alternateKey: false),
                keyColumn: delete.keyColumn, fields: [], op: .delete)
        }
        return exports + deletes
    }

    /// A source row as the envelope of SPEC §4: `system: "campaign"`, entity = the export's
    /// name, id = the row id (also the Kafka key), fields = the published columns as they are.
    func envelope(id: Int64, values: [String: FieldValue], now: Date) -> Envelope {
        var fields: [String: FieldValue] = [:]
        for column in columns { fields[column] = values[column] ?? .null }
        return Envelope(op: op, system: .campaign, entity: name, id: String(id), modifiedAt: now, fields: fields)
    }

    struct Problem: Error {
        var id: String?
        var symbol: String
        var message: String
    }

    /// The CRM record a message asks for: the key from its column, each field after its
    /// replacements and conversion, each lookup with the linked record's key; or why the
    /// message cannot be one (a value its conversion refuses: `conversion-failed`).
    func record(_ envelope: Envelope) -> Result<CRMExportRecord, Problem> {
        guard envelope.entity == name else {
            return .failure(Problem(id: envelope.id, symbol: "unknown-entity", message: "entity \"\(envelope.entity)\" does not belong on \(topic)"))
        }
        guard envelope.op == op else {
            return .failure(Problem(
                id: envelope.id, symbol: "unsupported-operation", message: "export \(name) takes op \"\(op.rawValue)\", not \"\(envelope.op.rawValue)\""))
        }
        var key: String?
        if let keyColumn {
            guard let text = envelope.fields[keyColumn]?.text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
                return .failure(Problem(
                    id: envelope.id, symbol: "missing-key", message: "\(keyColumn) is null or empty: the row names no CRM record"))
            }
            key = text
        }
        var values: [String: FieldValue] = [:]
        var lookups: [String: CRMExportLookup] = [:]
        for field in fields {
            let value = field.replacements.apply(to: envelope.fields[field.column] ?? .null)
            if let lookup = field.lookup {
                // The linked record's key as Campaign holds it; the connector binds it.
                lookups[field.remote] = CRMExportLookup(target: lookup.target, id: value.text)
                continue
            }
            switch field.conversion.convert(value) {
            case .success(let converted): values[field.remote] = converted
            case .failure(let error):
                return .failure(Problem(
                    id: envelope.id, symbol: "conversion-failed", message: "\(field.column) → \(field.remote): \(error.message)"))
            }
        }
        return .success(CRMExportRecord(rowID: envelope.id, key: key, fields: values, lookups: lookups))
    }
}
