import HTTPBridge

extension DynamicsConnector {
    /// Change tracking (`Prefer: odata.track-changes`). With no `deltaLink`, reads the
    /// whole table's ids and returns the first delta link; with one, returns what changed
    /// and what was deleted since, and the next delta link. The table must have change
    /// tracking enabled. When the organisation no longer keeps the token's version
    /// ("Version stamp associated with the client has expired", whatever the status or
    /// code), throws `CRMError.Code.deltaTokenExpired`: the caller must resync fully.
    public func changes(_ query: CRMQuery, since deltaLink: String?) async throws -> DynamicsChanges {
        try await changes(query, since: deltaLink, collectChangedIDs: true)
    }

    func changes(_ query: CRMQuery, since deltaLink: String?, collectChangedIDs: Bool) async throws -> DynamicsChanges {
        let plan = try ReadPlan(query, configuration: configuration)
        let operation = "change tracking \(plan.entitySet)"
        let headers = requestHeaders(pageSize: plan.pageSize, trackChanges: true)
        // $filter and $orderby are refused with change tracking; only the id is needed.
        var link = deltaLink.map(resolve)
            ?? HTTPRequest.url(configuration.webAPIURL + plan.entitySet, query: [("$select", plan.idField)])
        var result = DynamicsChanges(changedIDs: [], deletedIDs: [], deltaLink: "")
        while true {
            let url = link
            let page: DynamicsPageParser.ChangePage
            do {
                page = try await exchange.perform(
                    operation, tokens: tokens,
                    build: { _ in HTTPRequest(url: url, headers: headers) },
                    decode: { response throws(CRMJSON.Problem) in
                        try DynamicsPageParser.changePage(response.body, idField: plan.idField)
                    })
            } catch let error as CRMError where Self.isExpiredDeltaToken(error) {
                throw CRMError(
                    system: system, code: .deltaTokenExpired, operation: operation, status: error.status,
                    remoteCode: error.remoteCode,
                    message: "the delta token has expired; a full resync is needed (\(error.message))")
            }
            if collectChangedIDs { result.changedIDs += page.changedIDs }
            result.deletedIDs += page.deletedIDs
            if let deltaLink = page.deltaLink {
                result.deltaLink = deltaLink
                return result
            }
            guard let next = page.nextLink, next != url else {
                throw CRMError(
                    system: system, code: .malformedResponse, operation: operation,
                    message: page.nextLink == nil
                        ? "the answer has neither '@odata.deltaLink' nor '@odata.nextLink' (is change tracking enabled for this table?)"
                        : "the CRM answered the same next-page link again; paging stopped")
            }
            link = resolve(next)
        }
    }

    /// Dataverse's "Version stamp associated with the client has expired. Please perform
    /// a full sync." Its status and code are not documented, so only the text counts.
    static func isExpiredDeltaToken(_ error: CRMError) -> Bool {
        let message = error.message.lowercased()
        return message.contains("version stamp associated with the client has expired")
            || (message.contains("version stamp") && message.contains("expired"))
    }
}
