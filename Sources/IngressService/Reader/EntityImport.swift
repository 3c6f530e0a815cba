import CRMConnectors
import Config
import Foundation
import Logging
import WorkflowRuntime

/// One run of one entity: read its window from the CRM, publish every record, then
/// advance the LASTIMPORT option — only after the broker acknowledged them all.
/// Deletes and records that left the filter follow the same path as `op:"delete"`.
struct EntityImport: Sendable {
    let entity: EntityConfig
    let instance: String
    let crm: CRMKind
    let connector: any CRMSourceConnector
    let publisher: EnvelopePublisher
    let options: OptionStore
    let state: ConnectorStateStore
    let population: PopulationSource
    let reconciliation: FullLoadReconciliation
    let run: RoleRun
    let logger: Logger

    var optionName: String { LastImportOption.name(instance: instance, workflow: .crmToCampaign, entity: entity.name) }

    func runOnce(now: Date = Date()) async throws {
        let resync = try await state.get(.crmToCampaign, entity: entity.name, .resyncRequested) != nil
        let last = try await lastImport()
        let window = ImportWindow.next(lastImport: last, resync: resync, lookBack: entity.lookBack, now: now)
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
        let reconcile = window.isFullLoad && reconciliation.applies
        let (count, seen) = try await publishRecords(in: window, collectingIDs: reconcile, traceID: traceID)
        var deletes = 0
        if reconcile {
            deletes = try await reconciliation.publishMissing(seen: seen, loadStart: window.end, traceID: traceID)
        }
        if !window.isFullLoad, entity.deletes.deleteWhenFilteredOut, entity.filter != nil {
            try await publishFilteredOut(in: window, traceID: traceID)
        }
        if entity.deletes.enabled, let modified = window.modifiedWindow {
            deletes = try await deleteScan.publish(in: modified, traceID: traceID)
        }
        // Every record of the window is acknowledged by the broker: advance.
        try await options.set(optionName, endText)
        if resync { try await state.remove(.crmToCampaign, entity: entity.name, .resyncRequested) }
        logger.info("import window done", metadata: ["entity": "\(entity.name)", "records": "\(count)", "deletes": "\(deletes)", "crmEndDate": "\(endText)"])
    }

    private func lastImport() async throws -> Date? {
        guard let text = try await options.get(optionName) else { return nil }
        switch LastImportOption.parse(text) {
        case .success(let date): return date
        case .failure(let error):
            throw RoleFailure("option \(optionName) has an invalid value: \(error)")
        }
    }

    var query: CRMQuery {
        CRMQuery(
            remoteObject: entity.remoteObject, fields: entity.remoteFields, filter: translatedFilter,
            orderBy: entity.orderBy.map { crm == .dynamics ? $0.odata : $0.soql }, pageSize: entity.pageSize,
            idField: entity.remoteIdField, modifiedField: entity.lastModifiedField)
    }

    private var translatedFilter: String? {
        entity.filter.map { crm == .dynamics ? $0.odata : $0.soql }
    }

    /// Reads pages and publishes them, fetching page n+1 while page n is being acknowledged.
    /// Returns how many, and their ids when asked.
    private func publishRecords(in window: ImportWindow, collectingIDs: Bool, traceID: String) async throws -> (Int, Set<String>) {
        let pages: CRMPages
        if let ids = try await population.ids() {
            pages = connector.records(ids: ids, query: query)
        } else {
            pages = connector.pages(query, modifiedIn: window.modifiedWindow)
        }
        var inFlight: Task<Void, any Error>?
        var count = 0
        var seen = Set<String>()
        do {
            for try await page in pages {
                let records = window.modifiedWindow.map { w in page.filter { w.contains($0.modifiedAt) } } ?? page
                try await inFlight?.value
                count += records.count
                if collectingIDs { records.forEach { seen.insert($0.id) } }
                run.counters.read(records.count, entity: entity.name)
                run.health.connected(.crm)
                inFlight = Task { [publisher, run, entity] in
                    try await publisher.publish(records, traceID: traceID)
                    run.counters.published(records.count, entity: entity.name)
                    run.health.connected(.kafka)
                }
            }
            try await inFlight?.value
        } catch {
            inFlight?.cancel()
            _ = try? await inFlight?.value
            throw error
        }
        return (count, seen)
    }

    /// Records modified in the window that no longer match the filter become deletes.
    private func publishFilteredOut(in window: ImportWindow, traceID: String) async throws {
        guard let filter = translatedFilter, let modified = window.modifiedWindow else { return }
        var outside = query
        outside.filter = crm == .dynamics ? "not (\(filter))" : "NOT (\(filter))"
        for try await page in connector.pages(outside, modifiedIn: modified) {
            try await publisher.publishDeletes(page.map { ($0.id, $0.modifiedAt) }, traceID: traceID)
        }
    }

    var deleteScan: DeleteScan {
        DeleteScan(entity: entity, connector: connector, query: query, state: state, publisher: publisher, logger: logger)
    }
}
