import CRMConnectors
import Campaign
import Config
import Foundation
import Logging
import WorkflowRuntime

/// One run of one entity: read its window from the CRM, publish every record, then
/// advance the LASTIMPORT option — only after the broker acknowledged them all.
/// Deletes and records that left the filter follow the same path as `op:"delete"`.
/// What the previous window already published in the look-back is not published again
/// (`OverlapMemory`).
struct EntityImport: Sendable {
    let entity: EntityConfig
    let instance: String
    let connector: any CRMSourceConnector
    let publisher: EnvelopePublisher
    let options: OptionStore
    let state: ConnectorStateStore
    let population: PopulationSource
    let reconciliation: FullLoadReconciliation
    let run: RoleRun
    let logger: Logger
    /// What the last completed window published in the span the next one reads again.
    private(set) var overlap = OverlapMemory()

    var optionName: String { LastImportOption.name(instance: instance, workflow: .crmToCampaign, entity: entity.name) }

    mutating func runOnce(now: Date = Date()) async throws {
        let resync = try await state.get(.crmToCampaign, entity: entity.name, .resyncRequested) != nil
        let lastText = try await options.get(optionName)
        let last = try lastImport(lastText)
        let window = ImportWindow.next(lastImport: last, resync: resync, lookBack: entity.lookBack, now: now)
        var pass = overlap.pass(for: window, from: lastText, lookBack: entity.lookBack)
        let traceID = UUID().uuidString.lowercased()
        let startText = window.start.map(LastImportOption.format) ?? "full load"
        let endText = LastImportOption.format(window.end)
        run.setDetail("\(entity.name).crmStartImport", startText)
        run.setDetail("\(entity.name).crmEndDate", endText)
        logger.info("import window", metadata: ["entity": "\(entity.name)", "crmStartImport": "\(startText)", "crmEndDate": "\(endText)", "trace": "\(traceID)"])

        if window.isFullLoad, entity.deletes.enabled {
            // Start tracking deletes before the load, so those made during it are seen.
            try await deleteScan.startTracking(now: now)
        }
        // A full load that may delete what it did not see records what it saw in Campaign's
        // database, not in memory (FullLoadReconciliation).
        let ledger = window.isFullLoad && reconciliation.applies ? try await reconciliation.begin() : nil
        let count = try await publishRecords(in: window, recordingIn: ledger, overlap: &pass, traceID: traceID)
        var deletes = 0
        if let ledger {
            deletes = try await reconciliation.publishMissing(ledger, loadStart: window.end, traceID: traceID)
        }
        if !window.isFullLoad, entity.deletes.deleteWhenFilteredOut, entity.filter != nil {
            try await publishFilteredOut(in: window, overlap: &pass, traceID: traceID)
        }
        if entity.deletes.enabled, let modified = window.modifiedWindow {
            deletes = try await deleteScan.publish(in: modified, overlap: &pass, traceID: traceID)
        }
        // Every record of the window is acknowledged by the broker: advance.
        try await options.set(optionName, endText)
        // Only now may the next window skip what this one published; a window that failed
        // before this line is retried with the memory it started with.
        overlap = pass.memory(after: endText)
        if resync { try await state.remove(.crmToCampaign, entity: entity.name, .resyncRequested) }
        logger.info("import window done", metadata: [
            "entity": "\(entity.name)", "records": "\(count)", "alreadyPublished": "\(pass.skipped)", "deletes": "\(deletes)",
            "crmEndDate": "\(endText)"])
    }

    private func lastImport(_ text: String?) throws -> Date? {
        guard let text else { return nil }
        switch LastImportOption.parse(text) {
        case .success(let date): return date
        case .failure(let error):
            throw RoleFailure("option \(optionName) has an invalid value: \(error)")
        }
    }

    /// The entity's read, typed: the connector renders it in its own language.
    var query: CRMQuery {
        CRMQuery(
            remoteObject: entity.remoteObject, fields: entity.remoteFields, filter: entity.filter,
            orderBy: entity.orderBy.map { CRMQuery.SortKey($0.field, descending: $0.descending) },
            pageSize: entity.pageSize, idField: entity.remoteIdField, modifiedField: entity.lastModifiedField)
    }

    /// Reads pages and publishes what `overlap` has not seen published, several pages to a
    /// send (`EnvelopePublisher.recordsPerSend`), reading the next pages while a send is
    /// being acknowledged. With a ledger, each batch's ids are recorded in it too (all of
    /// them: the ledger is what the load saw). Returns how many were read.
    private func publishRecords(
        in window: ImportWindow, recordingIn ledger: FullLoadLedger?, overlap pass: inout OverlapMemory.Pass, traceID: String
    ) async throws -> Int {
        let pages: CRMPages
        if let ids = try await population.ids() {
            pages = connector.records(ids: ids, query: query)
        } else {
            pages = connector.pages(query, modifiedIn: window.modifiedWindow)
        }
        var inFlight: Task<Void, any Error>?
        var batch = PublishBatch()
        var count = 0
        do {
            for try await page in pages {
                let records = window.modifiedWindow.map { w in page.filter { w.contains($0.modifiedAt) } } ?? page
                let fresh = pass.unpublished(records, as: .upsert)
                count += records.count
                run.counters.read(records.count, entity: entity.name)
                run.health.connected(.crm)
                batch.add(read: records.map(\.id), publishing: publisher.upserts(fresh, traceID: traceID))
                guard batch.readCount >= publisher.recordsPerSend else { continue }
                try await inFlight?.value
                inFlight = send(batch, recordingIn: ledger)
                batch = PublishBatch()
            }
            try await inFlight?.value
            inFlight = nil
            if !batch.isEmpty {
                inFlight = send(batch, recordingIn: ledger)
                try await inFlight?.value
            }
        } catch {
            inFlight?.cancel()
            _ = try? await inFlight?.value
            throw error
        }
        return count
    }

    /// Records the batch's ids in the ledger, then publishes its envelopes; the task ends
    /// once the broker acknowledged them. The reader gathers the next batch meanwhile, so
    /// the task owns this one (`PublishBatchHandoff`) and lets go of each part as soon as
    /// it is done with it: at most one send's envelopes are held in Swift, beside the one
    /// librdkafka holds for the broker.
    private func send(_ batch: consuming PublishBatch, recordingIn ledger: FullLoadLedger?) -> Task<Void, any Error> {
        let handoff = PublishBatchHandoff(batch)
        return Task { [publisher, run, entity] in
            let (readIDs, records) = handoff.take().parts()
            try await ledger?.record(consume readIDs)
            let count = records.count
            let pending = try await publisher.enqueue(consume records)
            try await pending.acknowledged()
            run.counters.published(count, entity: entity.name)
            run.health.connected(.kafka)
        }
    }

    /// Records modified in the window that no longer match the filter become deletes.
    private func publishFilteredOut(in window: ImportWindow, overlap pass: inout OverlapMemory.Pass, traceID: String) async throws {
        guard let filter = entity.filter, let modified = window.modifiedWindow else { return }
        var outside = query
        outside.filter = .not(filter)
        for try await page in connector.pages(outside, modifiedIn: modified) {
            let fresh = pass.unpublished(page, as: .delete)
            try await publisher.publishDeletes(fresh.map { ($0.id, $0.modifiedAt) }, traceID: traceID)
        }
    }

    var deleteScan: DeleteScan {
        DeleteScan(entity: entity, connector: connector, query: query, state: state, publisher: publisher, logger: logger)
    }
}
