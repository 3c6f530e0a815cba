import CRMConnectors
import Config
import Foundation
import Logging
import WorkflowRuntime

/// Finds what was deleted in the CRM for one entity and publishes it as `op:"delete"`
/// envelopes (SPEC §2.1).
///
/// - Dynamics: change tracking. The delta link lives in `crmbridge.connector_state`;
///   each window asks what was deleted since. Dynamics gives no deletion time, so the
///   time it was observed is the delete's version (after any change of the record). An
///   expired delta token (beyond the organisation's retention) asks for a full resync.
/// - Salesforce: two reads that complete each other. Every window, `queryAll` finds rows
///   in the recycle bin (`IsDeleted = true`) whose `SystemModstamp` — which a delete
///   stamps — falls in the window, so deletes arrive as fast as updates. And `getDeleted`
///   from the last date it covered to the window's end, both inclusive, once that span
///   is over a minute (the API refuses shorter ones): it catches rows purged from the
///   recycle bin before a window saw them. A span beyond the CRM's limit fails the
///   workflow with the limit named.
struct DeleteScan: Sendable {
    let entity: EntityConfig
    let connector: any CRMSourceConnector
    let query: CRMQuery
    let state: ConnectorStateStore
    let publisher: EnvelopePublisher
    let logger: Logger

    /// Before a full load: start tracking now, so deletes made during the load are seen.
    func startTracking(now: Date) async throws {
        let deletions = try await connector.deletedRecords(query, since: nil, until: now)
        try await state.set(.crmToCampaign, entity: entity.name, .deltaLink, deletions.checkpoint.rawValue)
    }

    /// Publishes the deletes of `window`; returns how many. Recycle-bin rows the previous
    /// window already published from its look-back are skipped (`overlap`).
    func publish(in window: ModifiedWindow, overlap pass: inout OverlapMemory.Pass, traceID: String) async throws -> Int {
        var count = 0
        if let salesforce = connector as? SalesforceConnector {
            for try await page in salesforce.deletedRows(query, modifiedIn: window) {
                let fresh = pass.unpublished(page, as: .delete)
                try await publisher.publishDeletes(fresh.map { ($0.id, $0.modifiedAt) }, traceID: traceID)
                count += fresh.count
            }
        }
        return count + (try await publishTracked(until: window.end, traceID: traceID))
    }

    private func publishTracked(until end: Date, traceID: String) async throws -> Int {
        let saved = try await state.get(.crmToCampaign, entity: entity.name, .deltaLink)
        guard let saved else {
            // Tracking never started (deletes were enabled after the full load): start now.
            try await startTracking(now: end)
            return 0
        }
        let deletions: CRMDeletions
        do {
            deletions = try await connector.deletedRecords(query, since: DeletionCheckpoint(rawValue: saved), until: end)
        } catch let error as CRMError where error.code == .deltaTokenExpired || error.code == .deleteLogPurged {
            // The CRM no longer knows every delete since the checkpoint (an expired delta
            // token, a purged Salesforce delete log): a full load finds them instead.
            logger.warning("delete tracking expired in the CRM; a full resync follows",
                           metadata: ["entity": "\(entity.name)", "reason": "\(error)"])
            try await state.set(.crmToCampaign, entity: entity.name, .resyncRequested,
                                error.code == .deltaTokenExpired ? "delta token expired" : "delete log purged")
            try await state.remove(.crmToCampaign, entity: entity.name, .deltaLink)
            return 0
        } catch let error as CRMError where error.code == .replicationWindowTooOld {
            throw RoleFailure(
                "\(entity.name): deleted records cannot be read: \(error); re-read the entity with "
                    + "`crmbridge replay crm-to-campaign --entity \(entity.name) --resync` (rows deleted meanwhile are then removed)")
        }
        let observed = Date()
        try await publisher.publishDeletes(deletions.deleted.map { ($0.id, $0.deletedAt ?? observed) }, traceID: traceID)
        try await state.set(.crmToCampaign, entity: entity.name, .deltaLink, deletions.checkpoint.rawValue)
        return deletions.deleted.count
    }
}
