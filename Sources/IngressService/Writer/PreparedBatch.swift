import Campaign
import Foundation
import KafkaBridge
import WorkflowRuntime

/// A `WriterBatch` mapped to what its transaction will execute: per entity the rows with
/// their statement parameters and the deletes, plus every reject found so far. Built
/// outside any transaction, while the previous batch is being applied.
struct PreparedBatch: Sendable {
    struct EntityWork: Sendable {
        var entity: String
        var table: EntityTableWriter
        var rows: EntityTableWriter.Rows
        var deletes: [(id: String, at: Date)]
        var origins: WriterBatch.Origins
    }

    var work: [EntityWork] = []
    /// Messages that are not valid envelopes and records whose values cannot be mapped.
    var rejects: [RejectStore.Reject]
    var offsets: [KafkaTopicPartitionOffset]
    var messageCount: Int
    /// For the change-latency histogram: per entity, the CRM modified times of its upserts.
    var modifiedAt: [String: [Date]] = [:]

    init(_ batch: WriterBatch, tables: [String: EntityTableWriter]) {
        rejects = batch.rejects
        offsets = batch.offsets
        messageCount = batch.messageCount
        for (entity, changes) in batch.changes {
            guard let table = tables[entity] else { continue }
            let (rows, mappingRejects) = table.rows(for: changes.upserts)
            if !mappingRejects.isEmpty {
                let origins = changes.origins.byID()
                rejects += mappingRejects.map { Self.reject(entity, $0, origins[$0.id]) }
            }
            work.append(EntityWork(entity: entity, table: table, rows: rows, deletes: changes.deletes, origins: changes.origins))
            modifiedAt[entity, default: []] += changes.upserts.map(\.modifiedAt)
        }
    }

    static func reject(_ entity: String, _ row: EntityTableWriter.RowReject, _ origin: WriterBatch.Origin?) -> RejectStore.Reject {
        RejectStore.Reject(
            workflow: .crmToCampaign, entity: entity, recordID: row.id, errorSymbol: row.symbol, errorMessage: row.message,
            topic: origin?.topic, partition: origin?.partition, offset: origin?.offset)
    }
}
