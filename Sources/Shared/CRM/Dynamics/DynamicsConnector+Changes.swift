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
            if let deltaLink, url == resolve(deltaLink), page.nextLink == nil, page.isEmpty {
                // The documented "empty JSON response": nothing changed since the delta
                // link, which stays valid and is asked again next time.
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

    /// Dataverse's `ExpiredVersionStamp` error: code `0x80044352`, which Microsoft's
    /// samples test ("Version stamp associated with the client has expired. Please perform
    /// a full sync."). The code first: the message follows the user's language. The
    /// English text is still recognised for an answer without a code (`code` is often
    /// empty in Web API errors).
    static func isExpiredDeltaToken(_ error: CRMError) -> Bool {
        if error.remoteCode?.lowercased() == expiredVersionStampCode { return true }
        let message = error.message.lowercased()
        return message.contains("version stamp associated with the client has expired")
            || (message.contains("version stamp") && message.contains("expired"))
    }

    /// `ErrorCodes.ExpiredVersionStamp`.
    static let expiredVersionStampCode = "0x80044352"
}
