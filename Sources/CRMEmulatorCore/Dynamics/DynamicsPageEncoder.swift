import Foundation
import NIOCore

/// Writes collection pages and single rows as Dataverse does, straight into a
/// `ByteBuffer`: per-column keys are escaped once per page, values written by hand.
struct DynamicsPageEncoder {
    private struct Column {
        var index: Int
        var field: DynamicsFieldDefinition
        var key: [UInt8]
        var formattedKey: [UInt8]
        var logicalNameKey: [UInt8]
        var navigationKey: [UInt8]
    }

    let entity: DynamicsEntityDefinition
    let serviceRoot: String
    let preferences: DynamicsPreferences
    private let columns: [Column]
    private let selectedNames: [String]?

    init(entity: DynamicsEntityDefinition, select: [Int]?, serviceRoot: String, preferences: DynamicsPreferences) {
        self.entity = entity
        self.serviceRoot = serviceRoot
        self.preferences = preferences
        var indices = select ?? Array(entity.fields.indices)
        if !indices.contains(entity.primaryKeyIndex) { indices.append(entity.primaryKeyIndex) }
        columns = indices.map { index in
            let field = entity.fields[index]
            return Column(
                index: index, field: field, key: DynamicsJSONWriter.key(field.wireName),
                formattedKey: DynamicsJSONWriter.key(field.wireName + "@OData.Community.Display.V1.FormattedValue"),
                logicalNameKey: DynamicsJSONWriter.key(field.wireName + "@Microsoft.Dynamics.CRM.lookuplogicalname"),
                navigationKey: DynamicsJSONWriter.key(field.wireName + "@Microsoft.Dynamics.CRM.associatednavigationproperty"))
        }
        selectedNames = select.map { $0.map { entity.fields[$0].wireName } }
    }

    /// `…/$metadata#contacts(firstname,lastname)`.
    var context: String {
        let names = selectedNames.map { "(" + $0.joined(separator: ",") + ")" } ?? ""
        return "\(serviceRoot)$metadata#\(entity.entitySetName)\(names)"
    }

    func encode(_ page: DynamicsPage, linkOptions: [Substring]) -> ByteBuffer {
        var writer = DynamicsJSONWriter(capacity: 64 + page.items.count * 64 * columns.count)
        writer.raw("{\"@odata.context\":")
        writer.string(page.isDelta ? context + "/$delta" : context)
        if let count = page.count {
            writer.raw(",\"@odata.count\":")
            writer.integer(count)
        }
        let base = serviceRoot + entity.entitySetName + "?" + linkOptions.map { String($0) + "&" }.joined()
        if let delta = page.delta {
            writer.raw(",\"@odata.deltaLink\":")
            writer.string(base + "$deltatoken=" + PercentEncoding.encode(delta.token))
        }
        writer.raw(",\"value\":[")
        let deletedContext = DynamicsJSONWriter.key("\(serviceRoot)$metadata#\(entity.entitySetName)/$deletedEntity").dropLast()
        for (position, item) in page.items.enumerated() {
            if position > 0 { writer.byte(UInt8(ascii: ",")) }
            switch item {
            case .row(let record):
                writeRow(record, lookupNames: page.lookupNames, into: &writer)
            case .deleted(let id):
                writer.raw("{\"@odata.context\":")
                writer.bytes(Array(deletedContext))
                writer.raw(",\"id\":")
                writer.uuid(id)
                writer.raw(",\"reason\":\"deleted\"}")
            }
        }
        writer.byte(UInt8(ascii: "]"))
        if let next = page.next {
            writer.raw(",\"@odata.nextLink\":")
            writer.string(base + "$skiptoken=" + PercentEncoding.encode(next.token))
        }
        writer.byte(UInt8(ascii: "}"))
        return writer.buffer
    }

    /// A single row with its `/$entity` context (GET by key, `return=representation`).
    func encodeEntity(_ record: DynamicsRecord, lookupNames: [UUID: String]) -> ByteBuffer {
        var row = DynamicsJSONWriter(capacity: 256 + 64 * columns.count)
        writeRow(record, lookupNames: lookupNames, into: &row)
        var writer = DynamicsJSONWriter(capacity: row.buffer.readableBytes + 128)
        writer.raw("{\"@odata.context\":")
        writer.string(context + "/$entity")
        writer.byte(UInt8(ascii: ","))
        var body = row.buffer
        body.moveReaderIndex(forwardBy: 1)
        writer.buffer.writeBuffer(&body)
        return writer.buffer
    }

    private func writeRow(_ record: DynamicsRecord, lookupNames: [UUID: String], into writer: inout DynamicsJSONWriter) {
        writer.raw("{\"@odata.etag\":\"W/\\\"")
        writer.integer(record.version)
        writer.raw("\\\"\"")
        for column in columns {
            let value = record[column.index]
            writer.byte(UInt8(ascii: ","))
            if preferences.formattedValues, !value.isNull,
               let text = DynamicsFormattedValue.text(value, type: column.field.type, lookupNames: lookupNames) {
                writer.bytes(column.formattedKey)
                writer.string(text)
                writer.byte(UInt8(ascii: ","))
            }
            if case .lookup(let lookup) = value {
                if preferences.navigationProperties {
                    writer.bytes(column.navigationKey)
                    writer.string("\(column.field.name)_\(lookup.entity)")
                    writer.byte(UInt8(ascii: ","))
                }
                if preferences.lookupLogicalNames {
                    writer.bytes(column.logicalNameKey)
                    writer.string(lookup.entity)
                    writer.byte(UInt8(ascii: ","))
                }
            }
            writer.bytes(column.key)
            writer.value(value)
        }
        writer.byte(UInt8(ascii: "}"))
    }
}
