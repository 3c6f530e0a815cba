import Campaign
import Foundation
import KafkaBridge
import Logging
import PostgresBridge
import WorkflowRuntime

/// Applies one `PreparedBatch` to Campaign in one transaction. When a value breaks a
/// column's constraint (SQLSTATE class 22 or 23), the batch is applied again record
/// by record, each under a savepoint, and only the offending records are rejected.
/// A table or column that disappeared (42P01, 42703, 42804) stops the role as FAILED.
struct BatchApplier: Sendable {
    let database: PostgresConnection
    let rejectsProducer: KafkaProducer
    let run: RoleRun
    let logger: Logger

    func apply(_ batch: PreparedBatch) async throws {
        var rejects = batch.rejects
        do {
            let applied = try await database.transaction { tx in
                var applied: [String: Int] = [:]
                for work in batch.work {
                    applied[work.entity, default: 0] += try await work.table.upsert(work.rows, in: tx)
                    applied[work.entity, default: 0] += try await work.table.delete(work.deletes, in: tx)
                }
                try await RejectStore(database: tx).record(rejects)
                return applied
            }
            countWritten(applied)
        } catch let error as PostgresError where error.isDataError {
            logger.notice("a record broke a constraint; applying the batch record by record", metadata: ["sqlState": "\(error.sqlState ?? "")"])
            let (applied, failed) = try await applyOneByOne(batch)
            rejects += failed
            countWritten(applied)
        } catch let error as PostgresError where error.isSchemaError {
            throw RoleFailure("Campaign schema changed under the writer: \(error.message)")
        }
        try await publish(rejects)
        recordLatency(batch)
    }

    private func applyOneByOne(_ batch: PreparedBatch) async throws -> (applied: [String: Int], rejects: [RejectStore.Reject]) {
        try await database.transaction { tx in
            var applied: [String: Int] = [:]
            var failed: [RejectStore.Reject] = []
            for work in batch.work {
                let origins = work.origins.byID()
                for row in 0..<work.rows.count {
                    try await tx.execute("SAVEPOINT record", [])
                    do {
                        applied[work.entity, default: 0] += try await work.table.upsert(work.rows.single(row), in: tx)
                        try await tx.execute("RELEASE SAVEPOINT record", [])
                    } catch let error as PostgresError where error.isDataError {
                        try await tx.execute("ROLLBACK TO SAVEPOINT record", [])
                        let id = work.rows.id(row)
                        let reject = EntityTableWriter.RowReject(
                            id: id, symbol: "sqlstate-\(error.sqlState ?? "unknown")", message: error.message)
                        failed.append(PreparedBatch.reject(work.entity, reject, origins[id]))
                    }
                }
                applied[work.entity, default: 0] += try await work.table.delete(work.deletes, in: tx)
            }
            try await RejectStore(database: tx).record(batch.rejects + failed)
            return (applied, failed)
        }
    }

    /// Every reject also goes to the workflow's rejects topic, and is logged as a warning.
    private func publish(_ rejects: [RejectStore.Reject]) async throws {
        guard !rejects.isEmpty else { return }
        run.counters.rejected(rejects.count)
        RejectLog.log(rejects, to: logger)
        let records = rejects.map { reject in
            KafkaRecord(topic: Topics.rejects(.crmToCampaign), key: reject.recordID.map { Array($0.utf8) },
                        value: Array(RejectJSON.encode(reject).utf8))
        }
        try await rejectsProducer.send(records)
    }

    private func countWritten(_ applied: [String: Int]) {
        for (entity, count) in applied { run.counters.written(count, entity: entity) }
        run.counters.batch()
    }

    /// Change latency, one observation per upserted record: its CRM modified time to
    /// now, just after the transaction that applied it committed.
    private func recordLatency(_ batch: PreparedBatch) {
        let now = Date()
        for (entity, times) in batch.modifiedAt {
            run.counters.latencies(times.map { now.timeIntervalSince($0) }, entity: entity)
        }
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
