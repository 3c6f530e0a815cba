import Campaign
import Config
import CoreValues
import Foundation
import KafkaBridge
import Logging
import PostgresBridge
import WorkflowRuntime

/// The reader's part for one export: reads the settled new and changed rows of its source
/// after its cursor option `LASTEXPORT_<instance>_campaign-to-crm_<export>`, publishes them
/// to the export's topic, and only then moves the option.
struct ExportSourceReader: Sendable {
    let plan: ExportPlan
    let source: ExportSource
    let optionName: String
    var pageSize = 5000

    init(plan: ExportPlan, instance: String) throws {
        self.plan = plan
        do {
            source = try ExportSource(name: plan.name, source: plan.source, stampColumn: plan.stampColumn, idColumn: plan.idColumn)
        } catch {
            throw RoleFailure("export \(plan.name): source: \(error)")
        }
        optionName = LastExportOption.name(instance: instance, source: plan.name)
    }

    func checkSchema(on database: PostgresConnection) async throws {
        do {
            try await source.checkSchema(columns: plan.columns, on: database)
        } catch let mismatch as CampaignSchemaMismatch {
            throw RoleFailure(mismatch.message)
        }
    }

    /// One page: read, publish, move the cursor. Answers whether the page was full (read
    /// again at once).
    func runOnce(database: PostgresConnection, producer: KafkaProducer, run: RoleRun, logger: Logger) async throws -> Bool {
        let options = OptionStore(database: database)
        var cursor = EmailEventCursor.start
        if let text = try await options.get(optionName) {
            switch EmailEventCursor.parse(text) {
            case .success(let value): cursor = value
            case .failure(let error): throw RoleFailure("option \(optionName): \(error.message)")
            }
        }
        let rows = try await source.read(after: cursor, limit: pageSize, on: database)
        run.setDetail("\(plan.name).cursor", cursor.description)
        guard let last = rows.last else { return false }
        let now = Date()
        let headers = [
            KafkaHeader(name: EnvelopeHeaders.configVersion, value: String(run.configVersion)),
            KafkaHeader(name: EnvelopeHeaders.traceID, value: UUID().uuidString.lowercased()),
        ]
        try await producer.send(rows.map { row in
            let envelope = plan.envelope(id: row.cursor.id, values: row.values, now: now)
            return KafkaRecord(topic: plan.topic, key: Array(envelope.id.utf8), value: envelope.encoded(), headers: headers)
        })
        run.health.connected(.kafka)
        // Every row is acknowledged by the broker: only now may the cursor pass them.
        try await options.set(optionName, last.cursor.description)
        run.counters.read(rows.count, entity: plan.name)
        run.counters.published(rows.count, entity: plan.name)
        logger.info("export rows published", metadata: ["export": "\(plan.name)", "rows": "\(rows.count)", "cursor": "\(last.cursor)"])
        return rows.count >= pageSize
    }
}
