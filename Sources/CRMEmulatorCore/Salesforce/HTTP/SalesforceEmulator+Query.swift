import Foundation
import Hummingbird

/// `GET …/query?q=`, `…/queryAll?q=` and `GET …/query/<cursor>-<offset>`.
extension SalesforceEmulator {
    static let batchSizeRange = 200...2000

    func query(_ api: SalesforceAPIRequest, includeDeleted: Bool) throws(SalesforceAPIError) -> Response {
        guard let soql = api.parameters["q"], !soql.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw .malformedQuery("A query string has to be specified")
        }
        let compiled: SOQLQuery
        do {
            compiled = try SOQLQuery.compile(soql, objects: SalesforceObjectSchema.byLowercasedName, now: api.now)
        } catch {
            throw SalesforceAPIError(.badRequest, error.errorCode, error.message)
        }
        guard case .fields(let fields) = compiled.selection else {
            let count = state.withLock { compiled.run(on: $0.table(for: compiled.schema), includeDeleted: includeDeleted).count }
            var json = SalesforceJSONWriter(capacity: 64)
            json.raw("{\"totalSize\":")
            json.integer(count)
            json.raw(",\"done\":true,\"records\":[]}")
            return salesforceResponse(json)
        }
        let batchSize = self.batchSize(api.request) ?? configuration.defaultBatchSize
        let (rows, cursor): ([SalesforceRecord], String?) = state.withLock { org in
            let rows = compiled.run(on: org.table(for: compiled.schema), includeDeleted: includeDeleted)
            guard rows.count > batchSize else { return (rows, nil) }
            let cursor = org.cursors.open(schema: compiled.schema, fields: fields, rows: rows, batchSize: batchSize,
                                          isQueryAll: includeDeleted, now: api.now)
            return (rows, cursor)
        }
        let page = SalesforceQueryPage(schema: compiled.schema, fields: fields, version: api.version)
        let end = min(rows.count, batchSize)
        let next = cursor.map { nextRecordsURL(api, cursor: $0, offset: end, queryAll: includeDeleted) }
        return salesforceResponse(page.encode(totalSize: rows.count, nextRecordsURL: next, rows: rows[0..<end]))
    }

    func nextPage(_ api: SalesforceAPIRequest, locator: String) throws(SalesforceAPIError) -> Response {
        let invalid = SalesforceAPIError(.badRequest, "INVALID_QUERY_LOCATOR", "invalid query locator")
        guard let dash = locator.lastIndex(of: "-"), let offset = Int(locator[locator.index(after: dash)...]), offset > 0 else {
            throw invalid
        }
        let cursorID = String(locator[..<dash])
        let requested = batchSize(api.request)
        let found = state.withLock { org in
            org.cursors.use(cursorID, now: api.now) { cursor in
                offset >= cursor.rows.count - (requested ?? cursor.batchSize)
            }
        }
        guard let cursor = found, offset < cursor.rows.count else { throw invalid }
        let end = offset + min(cursor.rows.count - offset, requested ?? cursor.batchSize)
        let next = end < cursor.rows.count ? nextRecordsURL(api, cursor: cursor.id, offset: end, queryAll: cursor.isQueryAll) : nil
        let page = SalesforceQueryPage(schema: cursor.schema, fields: cursor.fields, version: api.version)
        return salesforceResponse(page.encode(totalSize: cursor.rows.count, nextRecordsURL: next, rows: cursor.rows[offset..<end]))
    }

    private func nextRecordsURL(_ api: SalesforceAPIRequest, cursor: String, offset: Int, queryAll: Bool) -> String {
        "\(api.basePath)/\(queryAll ? "queryAll" : "query")/\(cursor)-\(offset)"
    }

    /// `Sforce-Query-Options: batchSize=N`, clamped to 200...2000 (a hint, as on the platform).
    func batchSize(_ request: Request) -> Int? {
        guard let options = request.headers[SalesforceHeaders.queryOptions] else { return nil }
        for option in options.split(separator: ",") {
            let parts = option.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0].lowercased() == "batchsize", let size = Int(parts[1]) {
                return min(max(size, Self.batchSizeRange.lowerBound), Self.batchSizeRange.upperBound)
            }
        }
        return nil
    }
}
