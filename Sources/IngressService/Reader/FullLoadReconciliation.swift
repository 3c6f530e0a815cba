import Config
import Foundation
import PostgresBridge
import WorkflowRuntime

/// After a full load with deletes enabled, the live rows of the entity's Campaign table
/// that the load did not see are records deleted in the CRM while no delete tracking
/// covered them: a first load over an existing table, a Dynamics delta token expired
/// beyond the change-tracking retention, a resync after a `getDeleted` window beyond the
/// CRM's limit. They are published as deletes stamped with the load's start, so a row
/// written from a newer version (a record created after the load began) is kept.
///
/// Not done when the load cannot see every record: with a population, or with a filter
/// unless records leaving it are to be deleted (`deleteWhenFilteredOut`).
struct FullLoadReconciliation: Sendable {
    let entity: EntityConfig
    let database: any PostgresQueryable
    let publisher: EnvelopePublisher

    var applies: Bool {
        entity.deletes.enabled && entity.population == nil && (entity.filter == nil || entity.deletes.deleteWhenFilteredOut)
    }

    /// Publishes a delete for every live row whose CRM id is not in `seen`; returns how many.
    func publishMissing(seen: Set<String>, loadStart: Date, traceID: String) async throws -> Int {
        let table: PostgresIdentifier
        do {
            table = try PostgresIdentifier(validating: entity.table)
        } catch {
            throw RoleFailure("entity \(entity.name): table name \"\(entity.table)\" is not valid: \(error)")
        }
        let id = PostgresIdentifier.quote(entity.idColumn)
        let live = entity.deletes.softDeleteColumn.map { " WHERE NOT " + PostgresIdentifier.quote($0) } ?? ""
        let rows = try await database.query("SELECT \(id) AS id FROM \(table.quoted)\(live)", [])
        let missing = rows.compactMap { $0["id"] }.filter { !seen.contains($0) }
        for start in stride(from: 0, to: missing.count, by: 5_000) {
            let chunk = missing[start..<min(start + 5_000, missing.count)]
            try await publisher.publishDeletes(chunk.map { ($0, loadStart) }, traceID: traceID)
        }
        return missing.count
    }
}
