import Foundation
import Logging
import Shared

/// Applies one `WriterBatch` to Campaign in one transaction. When a value breaks a
/// column's constraint (SQLSTATE class 22 or 23), the batch is applied again record
/// by record, each under a savepoint, and only the offending records are rejected.
/// A table or column that disappeared (42P01, 42703, 42804) stops the role as FAILED.
struct BatchApplier: Sendable {
    let tables: [String: EntityTableWriter]
    let database: PostgresConnection
    let rejectsProducer: KafkaProducer
    let run: RoleRun
    let logger: Logger

    func apply(_ batch: WriterBatch) async throws {
        var rejects = batch.rejects
        do {
            let (applied, mapped) = try await applyAll(batch, perRecord: false)
            rejects += mapped
            run.counters.written(applied)
        } catch let error as PostgresError where error.isDataError {
            logger.notice("a record broke a constraint; applying the batch record by record", metadata: ["sqlState": "\(error.sqlState ?? "")"])
            let (applied, mapped) = try await applyAll(batch, perRecord: true)
            rejects += mapped
            run.counters.written(applied)
        } catch let error as PostgresError where error.isSchemaError {
            throw RoleFailure("Campaign schema changed under the writer: \(error.message)")
        }
        try await publish(rejects)
        recordLatency(batch)
    }

    private func applyAll(_ batch: WriterBatch, perRecord: Bool) async throws -> (applied: Int, rejects: [RejectStore.Reject]) {
        try await database.transaction { tx in
            var applied = 0
            var rejects: [RejectStore.Reject] = []
            for (entity, changes) in batch.changes {
                guard let table = tables[entity] else { continue }
                let (columns, mappingRejects) = table.rows(for: changes.upserts)
                rejects += mappingRejects.map { reject(entity, $0, changes.origins[$0.id]) }
                if perRecord {
                    let (count, failed) = try await applyOneByOne(table, columns, changes.deletes, tx)
                    applied += count
                    rejects += failed.map { reject(entity, $0, changes.origins[$0.id]) }
                } else {
                    applied += try await table.upsert(columns, in: tx)
                    applied += try await table.delete(changes.deletes, in: tx)
                }
            }
            try await RejectStore(database: tx).record(batch.rejects + rejects)
            return (applied, rejects)
        }
    }

    private func applyOneByOne(
        _ table: EntityTableWriter, _ columns: [[String?]], _ deletes: [(id: String, at: Date)], _ tx: PostgresTransaction
    ) async throws -> (Int, [EntityTableWriter.RowReject]) {
        var applied = 0
        var failed: [EntityTableWriter.RowReject] = []
        let rowCount = columns.first?.count ?? 0
        for row in 0..<rowCount {
            try await tx.execute("SAVEPOINT record", [])
            do {
                applied += try await table.upsert(columns.map { [$0[row]] }, in: tx)
                try await tx.execute("RELEASE SAVEPOINT record", [])
            } catch let error as PostgresError where error.isDataError {
                try await tx.execute("ROLLBACK TO SAVEPOINT record", [])
                failed.append(.init(id: columns[0][row] ?? "", symbol: "sqlstate-\(error.sqlState ?? "unknown")", message: error.message))
            }
        }
        applied += try await table.delete(deletes, in: tx)
        return (applied, failed)
    }

    private func reject(_ entity: String, _ row: EntityTableWriter.RowReject, _ origin: WriterBatch.Origin?) -> RejectStore.Reject {
        RejectStore.Reject(
            workflow: .crmToCampaign, entity: entity, recordID: row.id, errorSymbol: row.symbol, errorMessage: row.message,
            topic: origin?.topic, partition: origin?.partition, offset: origin?.offset)
    }

    /// Every reject also goes to the workflow's rejects topic, and is logged as a warning.
    private func publish(_ rejects: [RejectStore.Reject]) async throws {
        guard !rejects.isEmpty else { return }
        run.counters.rejected(rejects.count)
        for reject in rejects.prefix(20) {
            logger.warning("record rejected", metadata: [
                "entity": "\(reject.entity ?? "")", "id": "\(reject.recordID ?? "")",
                "errorSymbol": "\(reject.errorSymbol)", "errorMessage": "\(reject.errorMessage)"])
        }
        let records = rejects.map { reject in
            KafkaRecord(topic: Topics.rejects(.crmToCampaign), key: reject.recordID.map { Array($0.utf8) },
                        value: Array(RejectJSON.encode(reject).utf8))
        }
        try await rejectsProducer.send(records)
    }

    private func recordLatency(_ batch: WriterBatch) {
        let now = Date()
        var sum = 0.0
        var count = 0
        for changes in batch.changes.values {
            for envelope in changes.upserts {
                sum += max(0, now.timeIntervalSince(envelope.modifiedAt))
                count += 1
            }
        }
        if count > 0 { run.counters.latency(seconds: sum, count: count) }
    }
}

extension PostgresError {
    /// A value that breaks a column's type or a constraint: reject the record, go on.
    var isDataError: Bool {
        guard let state = sqlState else { return false }
        return state.hasPrefix("22") || state.hasPrefix("23")
    }

    /// The table or a column is gone or changed type: an operator must look.
    var isSchemaError: Bool {
        ["42P01", "42703", "42804"].contains(sqlState ?? "")
    }
}
