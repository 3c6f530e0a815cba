extension SalesforceConnector {
    /// Records by id, as `Id IN ('…', …)` (combined with the query's filter), chunked so
    /// every URL stays under `maxURLLength` and every chunk fits one page. Every id is
    /// escaped as a SOQL string literal (`SOQLLiteral`).
    public func records(ids: [String], query: CRMQuery) -> CRMPages {
        guard !ids.isEmpty else { return CRMPaging.empty }
        let plan: ReadPlan
        do {
            plan = try ReadPlan(query, configuration: configuration, fallbacks: fallbacks)
        } catch {
            return CRMPaging.failing(error)
        }
        let literals = ids.map(SOQLLiteral.string)
        let inField = plan.idField
        let fixed = url(plan.path(resource: "query", conditions: ["\(inField) IN ()"]), token: nil).utf8.count
        guard let chunks = CRMIDChunks.split(
            termLengths: literals.map { $0.percentEncoded.utf8.count },
            separatorLength: ",".percentEncoded.utf8.count,
            budget: configuration.maxURLLength - fixed, maxCount: plan.batchSize)
        else {
            return CRMPaging.failing(CRMError(
                system: system, code: .invalidRequest, operation: "read \(plan.object) by id",
                message: "the query alone is longer than the URL limit of \(configuration.maxURLLength) characters"))
        }
        return CRMPaging.stream(
            system: system, operation: plan.operation, chunks: chunks.count,
            first: { chunk in
                let condition = "\(inField) IN (" + literals[chunks[chunk]].joined(separator: ",") + ")"
                return try await fetchPage(plan.path(resource: "query", conditions: [condition]), plan)
            },
            next: { link in try await fetchPage(link, plan) })
    }
}
