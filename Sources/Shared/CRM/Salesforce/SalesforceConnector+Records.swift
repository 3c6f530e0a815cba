extension SalesforceConnector {
    /// Records by id, as `Id IN ('…', …)` (combined with the query's filter), chunked so
    /// every URL stays under `maxURLLength` and every chunk fits one page. Every id is
    /// escaped as a SOQL string literal (`SOQLLiteral`); when the id field is `Id`, an id
    /// that is not 15 or 18 letters and digits is refused before the first call (the CRM
    /// would refuse the whole chunk for it).
    public func records(ids: [String], query: CRMQuery) -> CRMPages {
        guard !ids.isEmpty else { return CRMPaging.empty }
        let plan: ReadPlan
        do {
            plan = try ReadPlan(query, configuration: configuration, fallbacks: fallbacks)
        } catch {
            return CRMPaging.failing(error)
        }
        if plan.idField.caseInsensitiveCompare("Id") == .orderedSame,
           let bad = ids.firstIndex(where: { !Self.isRecordID($0) }) {
            // Salesforce refuses the whole query for one malformed id (INVALID_QUERY_FILTER_OPERATOR).
            return CRMPaging.failing(CRMError(
                system: system, code: .invalidRequest, operation: "read \(plan.object) by id",
                message: "id \(bad + 1) of \(ids.count) is not a Salesforce id (15 or 18 letters and digits)"))
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

    /// A 15- or 18-character record id: letters and digits only.
    static func isRecordID(_ id: String) -> Bool {
        (id.utf8.count == 15 || id.utf8.count == 18) && id.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
        }
    }
}
