extension DynamicsConnector {
    /// Records by id, as `(<id> eq g1 or <id> eq g2 …)` filters (combined with the
    /// query's own filter), chunked so every URL stays under `maxURLLength` and every
    /// chunk fits one page. GUIDs are unquoted in OData, so every id must be a GUID
    /// (braces allowed); anything else is refused before the first call.
    public func records(ids: [String], query: CRMQuery) -> CRMPages {
        let plan: ReadPlan
        do {
            plan = try ReadPlan(query, configuration: configuration)
        } catch {
            return CRMPaging.failing(error)
        }
        var guids: [String] = []
        guids.reserveCapacity(ids.count)
        for (index, id) in ids.enumerated() {
            guard let guid = ODataLiteral.guid(Self.withoutBraces(id)) else {
                return CRMPaging.failing(CRMError(
                    system: system, code: .invalidRequest, operation: "read \(plan.entitySet) by id",
                    message: "id \(index + 1) of \(ids.count) is not a GUID"))
            }
            guids.append(guid)
        }
        guard !guids.isEmpty else { return CRMPaging.empty }

        let prefix = plan.userFilter.map { $0 + " and " } ?? ""
        let terms = guids.map { "\(plan.idField) eq \($0)" }
        let fixed = plan.url(filter: prefix + "()").utf8.count
        let separator = " or ".percentEncoded.utf8.count
        guard let chunks = CRMIDChunks.split(
            termLengths: terms.map { $0.percentEncoded.utf8.count }, separatorLength: separator,
            budget: configuration.maxURLLength - fixed, maxCount: plan.pageSize)
        else {
            return CRMPaging.failing(CRMError(
                system: system, code: .invalidRequest, operation: "read \(plan.entitySet) by id",
                message: "the query alone is longer than the URL limit of \(configuration.maxURLLength) characters"))
        }
        return CRMPaging.stream(
            system: system, operation: plan.operation, chunks: chunks.count,
            first: { chunk in
                let filter = prefix + "(" + terms[chunks[chunk]].joined(separator: " or ") + ")"
                return try await fetchPage(plan.url(filter: filter), plan)
            },
            next: { link in try await fetchPage(link, plan) })
    }

    /// `{guid}` → `guid`: Dynamics tools often print GUIDs in braces.
    static func withoutBraces(_ id: String) -> String {
        id.hasPrefix("{") && id.hasSuffix("}") && id.count > 2 ? String(id.dropFirst().dropLast()) : id
    }
}
