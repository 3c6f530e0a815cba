import Campaign
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
/// Memory stays flat whatever the table's size: the ids the load read go to Campaign's
/// database page by page (`FullLoadLedger.record`), and the unseen rows come back in
/// keyset pages (`FullLoadLedger.unseen`). A load cut short publishes no deletes; the next
/// run loads again.
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

    /// Before the load reads its first page: a new ledger for the entity.
    func begin() async throws -> FullLoadLedger {
        try await FullLoadLedger.begin(entity: entity.name, in: database)
    }

    /// Once every page of the load is recorded in `ledger` and acknowledged by the
    /// broker: publishes a delete for every live row the load did not see, then forgets
    /// the load. Returns how many.
    ///
    /// It first waits until the writers have applied everything on the entity's topic
    /// (`BacklogGate.waitUntilApplied`), so the table it reads holds every record
    /// published before the load ended. Otherwise an upsert still in the writers' backlog
    /// from before the load, of a record deleted in the CRM since (the case of a resync
    /// after lost delete tracking), would be written after the walk had passed its id and
    /// stay in Campaign for good. Waiting also keeps the walk (and the sort that indexes
    /// the ledger) off the two cores while the writers finish the load.
    ///
    /// The unseen rows of several keyset pages go in one send (`deletesPerSend`), sent
    /// while the next pages are scanned: with 1% deleted, a page of 10,000 rows holds
    /// ~100, and a send per page would make the walk wait on the broker 1,500 times at 15
    /// million rows.
    ///
    /// Each send is published only once the writers have applied the one before it. Delete
    /// envelopes are small, so a send of them is many messages for few bytes, and the
    /// writers' prefetch, bounded in bytes, would otherwise take in the whole walk's
    /// deletes at once: 150,000 of them at 15 million rows took the writer from 124-131 MB
    /// to 143 MB at the end of a second load (docs/performance.md, "Scale"). Paced, it never
    /// holds more than one send, and the walk goes on scanning while the writers apply it.
    func publishMissing(_ ledger: FullLoadLedger, loadStart: Date, traceID: String) async throws -> Int {
        var cursor: String?
        var count = 0
        var unseen: [String] = []
        var inFlight: Task<Void, any Error>?
        try await publisher.backlog.waitUntilApplied(topic: publisher.topic, before: "the full load's deletes are reconciled")
        do {
            repeat {
                let page: FullLoadLedger.UnseenPage
                do {
                    page = try await ledger.unseen(in: entity, after: cursor)
                } catch let mismatch as CampaignSchemaMismatch {
                    throw RoleFailure(mismatch.description)
                }
                unseen += page.ids
                count += page.ids.count
                cursor = page.next
                while unseen.count >= deletesPerSend || (cursor == nil && !unseen.isEmpty) {
                    let send = Array(unseen.prefix(deletesPerSend))
                    unseen.removeFirst(send.count)
                    try await inFlight?.value
                    inFlight = publishDeletes(send, stampedAt: loadStart, traceID: traceID)
                }
            } while cursor != nil
            try await inFlight?.value
        } catch {
            inFlight?.cancel()
            _ = try? await inFlight?.value
            throw error
        }
        try await ledger.finish()
        return count
    }

    /// The most deletes one send holds: the publisher's `recordsPerSend`, and no more than
    /// 10,000. The walk ends a load, when the reader's memory already holds the load's
    /// sends; 10,000 deletes make 15 sends at 15 million rows with 1% deleted, where sends
    /// of 40,000 took the reader from 138 to 160 MB at the end of a second load
    /// (docs/performance.md, "Scale").
    var deletesPerSend: Int { min(publisher.recordsPerSend, 10_000) }

    /// Publishes one send of deletes, then waits until the writers have applied it.
    private func publishDeletes(_ ids: [String], stampedAt loadStart: Date, traceID: String) -> Task<Void, any Error> {
        Task { [publisher] in
            try await publisher.publishDeletes(ids.map { ($0, loadStart) }, traceID: traceID)
            try await publisher.backlog.waitUntilApplied(topic: publisher.topic, before: "the full load's reconciliation goes on")
        }
    }
}
