import Foundation

/// One page of a collection read, ready to encode outside the lock.
struct DynamicsPage: Sendable {
    enum Item: Sendable {
        case row(DynamicsRecord)
        case deleted(UUID)
    }

    var entity: DynamicsEntityDefinition
    var items: [Item] = []
    var next: DynamicsPagingCookie?
    /// Set on the last page of a change-tracking read.
    var delta: DynamicsDeltaToken?
    var isDelta = false
    var count: Int?
    var lookupNames: [UUID: String] = [:]
}

extension DynamicsOrganization {
    /// Reads one page of a collection. Pages are keyset pages on (`$orderby` keys, id);
    /// change-tracking reads page by id and delta reads by change version, both bounded
    /// by the version current at the first page.
    mutating func read(
        set: String, query: DynamicsQuery, preferences: DynamicsPreferences, now: Int64
    ) throws(DynamicsError) -> DynamicsPage {
        let entity = try definition(set: set)
        let pageSize = preferences.maxPageSize ?? DynamicsPreferences.maximumPageSize
        let cookie = query.skipToken
        if let cookie, cookie.order != (cookie.since != nil || cookie.snapshot != nil ? "" : query.orderSignature) {
            throw .badQuery("The $skiptoken value is not valid for this query.")
        }
        let tracking = preferences.trackChanges || query.deltaToken != nil || cookie?.snapshot != nil
        if tracking {
            guard entity.changeTrackingEnabled else {
                throw .badQuery("Change tracking is not enabled for entity '\(entity.logicalName)'.")
            }
            for option in ["$filter", "$orderby", "$top", "$expand"] where query.present.contains(option) {
                throw .badQuery("The query parameter \(option) is not supported when change tracking is requested (Prefer: odata.track-changes or $deltatoken).")
            }
        }
        var page: DynamicsPage
        if let token = query.deltaToken {
            try checkDeltaToken(token, now: now)
            page = try deltaPage(set: set, since: token.version, after: token.version, snapshot: version, pageSize: pageSize, now: now)
        } else if let cookie, let since = cookie.since, let snapshot = cookie.snapshot {
            page = try deltaPage(set: set, since: since, after: cookie.after ?? since, snapshot: snapshot, pageSize: pageSize, now: now)
            page.next?.page = cookie.page + 1
        } else {
            let limit = preferences.maxPageSize == nil && !tracking ? min(query.top ?? pageSize, pageSize) : pageSize
            page = try keysetPage(set: set, query: query, cookie: cookie, limit: limit, now: now)
            if tracking {
                let snapshot = cookie?.snapshot ?? version
                page.next?.snapshot = snapshot
                page.next?.order = ""
                if page.next == nil { page.delta = DynamicsDeltaToken(version: snapshot, issuedAt: now) }
            } else if query.top != nil, preferences.maxPageSize == nil {
                page.next = nil
            }
        }
        if preferences.formattedValues { page.lookupNames = lookupNames(in: page.items) }
        return page
    }

    /// An expired or impossible delta token.
    private func checkDeltaToken(_ token: DynamicsDeltaToken, now: Int64) throws(DynamicsError) {
        // Microsoft does not document the status and code of this failure; the emulator
        // answers 400 with 0x80044352 and the documented message, and connectors should
        // key on the message and fall back to a full sync.
        if now - token.issuedAt > retentionMilliseconds || token.version > version {
            throw DynamicsError(.badRequest, code: "0x80044352", "Version stamp associated with the client has expired. Please perform a full sync.")
        }
    }

    private mutating func keysetPage(
        set: String, query: DynamicsQuery, cookie: DynamicsPagingCookie?, limit: Int, now: Int64
    ) throws(DynamicsError) -> DynamicsPage {
        let entity = try definition(set: set)
        let position = try cookie.map { cookie throws(DynamicsError) in try positionRecord(cookie, keys: query.orderBy, entity: entity) }
        var page = DynamicsPage(entity: entity)
        var last: DynamicsRecord?
        var matched = 0
        // Appends a row the filter accepts; false once the page is full (`next` is set).
        func visit(_ row: DynamicsRecord) -> Bool {
            if page.items.count == limit {
                if let last {
                    var next = DynamicsPagingCookie(page: (cookie?.page ?? 1) + 1, order: query.orderSignature)
                    next.keys = query.orderBy.map { DynamicsPagingCookie.encode(last[$0.field]) }
                    next.id = last.id.dynamicsString
                    next.snapshot = cookie?.snapshot
                    page.next = next
                }
                return false
            }
            page.items.append(.row(row))
            last = row
            return true
        }
        let effective = DynamicsTableView.effectiveKeys(query.orderBy, primaryKey: entity.primaryKeyIndex)
        let bounds = DynamicsScanBounds(filter: query.filter, firstKey: effective.first, primaryKey: entity.primaryKeyIndex)
        if let ids = bounds.ids, let table = tables[set] {
            // A read by ids: the rows are looked up, not scanned for.
            var seen = Set<UUID>()
            let rows = ids.filter { seen.insert($0).inserted }.compactMap { table.record(id: $0) }
                .filter { query.filter?.matches($0) ?? true }
                .sorted { DynamicsTable.compare($0, $1, effective) < 0 }
            matched = rows.count
            for row in rows where position.map({ DynamicsTable.compare(row, $0, effective) > 0 }) ?? true {
                if !visit(row) { break }
            }
        } else {
            guard let view = tables[set]?.view(orderedBy: query.orderBy) else { throw .segmentNotFound(set) }
            view.scan(
                isBefore: { row in
                    bounds.isBefore(row) || position.map { DynamicsTable.compare(row, $0, view.keys) <= 0 } ?? false
                },
                isPast: bounds.isPast
            ) { row in
                if let filter = query.filter, !filter.matches(row) { return true }
                return visit(row)
            }
            if query.count {
                if let filter = query.filter {
                    view.scan(isBefore: bounds.isBefore, isPast: bounds.isPast) { row in
                        if filter.matches(row) { matched += 1 }
                        return true
                    }
                } else {
                    matched = view.table.count
                }
            }
        }
        if query.count { page.count = matched }
        return page
    }

    /// A stand-in row holding the cookie's key values, to compare rows against.
    private func positionRecord(_ cookie: DynamicsPagingCookie, keys: [DynamicsSortKey], entity: DynamicsEntityDefinition) throws(DynamicsError) -> DynamicsRecord {
        let invalid = DynamicsError.badQuery("The $skiptoken value is not valid for this query.")
        guard cookie.keys.count == keys.count, let idText = cookie.id, let id = UUID(uuidString: idText) else { throw invalid }
        var record = DynamicsRecord(id: id, version: 0, values: Array(repeating: .null, count: entity.fields.count))
        for (key, text) in zip(keys, cookie.keys) {
            guard let value = DynamicsPagingCookie.decode(text) else { throw invalid }
            record[key.field] = value
        }
        return record
    }

    private func deltaPage(set: String, since: Int64, after: Int64, snapshot: Int64, pageSize: Int, now: Int64) throws(DynamicsError) -> DynamicsPage {
        guard let table = tables[set] else { throw .segmentNotFound(set) }
        let changes = table.changes(after: after, upTo: snapshot, limit: pageSize + 1)
        var page = DynamicsPage(entity: table.definition)
        page.isDelta = true
        page.items = changes.prefix(pageSize).map(\.item)
        if changes.count > pageSize {
            var next = DynamicsPagingCookie(page: 2, order: "")
            next.since = since
            next.snapshot = snapshot
            next.after = changes[pageSize - 1].version
            page.next = next
        } else {
            page.delta = DynamicsDeltaToken(version: snapshot, issuedAt: now)
        }
        return page
    }

    private func lookupNames(in items: [DynamicsPage.Item]) -> [UUID: String] {
        var names: [UUID: String] = [:]
        for case .row(let record) in items {
            for case .lookup(let lookup) in record.values where names[lookup.id] == nil {
                if let name = primaryName(of: lookup) { names[lookup.id] = name }
            }
        }
        return names
    }
}
