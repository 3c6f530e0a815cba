import Foundation
import HTTPBridge
import Logging
import Mapping

/// The Dynamics 365 / Dataverse Web API read side: paged queries (`Prefer:
/// odata.maxpagesize`, `@odata.nextLink`), reads by id, and deletes through change
/// tracking (delta links).
public struct DynamicsConnector: CRMSourceConnector {
    public let configuration: DynamicsConfiguration
    let exchange: CRMExchange
    let tokens: OAuthTokenProvider

    public var system: String { configuration.system }
    public var defaultModifiedField: String { configuration.modifiedField }

    /// - Parameter observer: told about each call (a reader's "CRM not answering" reason).
    /// - Parameter onRetry: told of every retry (a role counts them in its `/metrics`).
    public init(
        configuration: DynamicsConfiguration, http: HTTPClient, logger: Logger, observer: (any CRMCallObserver)? = nil,
        onRetry: CRMRetryObserver? = nil
    ) {
        self.configuration = configuration
        // Reads spend the same per-user budget as the writers of the process (issue 14 item 5).
        (exchange, tokens) = configuration.exchange(http: http, logger: logger, onRetry: onRetry, observer: observer)
    }

    public func pages(_ query: CRMQuery, modifiedIn window: ModifiedWindow?) -> CRMPages {
        let plan: ReadPlan
        do {
            plan = try ReadPlan(query, configuration: configuration)
        } catch {
            return CRMPaging.failing(error)
        }
        var conditions: [String] = []
        if let filter = plan.userFilter { conditions.append(filter) }
        if let window {
            if window.isEmpty { return CRMPaging.empty }
            conditions.append(
                "\(plan.modifiedField) ge \(CRMTimestamp.string(window.start)) and "
                    + "\(plan.modifiedField) lt \(CRMTimestamp.string(window.end))")
        }
        let url = plan.url(filter: conditions.isEmpty ? nil : conditions.joined(separator: " and "))
        return CRMPaging.stream(
            system: system, operation: plan.operation, chunks: 1,
            first: { _ in try await fetchPage(url, plan) },
            next: { link in try await fetchPage(link, plan) })
    }

    public func deletedRecords(
        _ query: CRMQuery, since checkpoint: DeletionCheckpoint?, until end: Date
    ) async throws -> CRMDeletions {
        let changes = try await changes(query, since: checkpoint?.rawValue, collectChangedIDs: checkpoint != nil)
        return CRMDeletions(
            deleted: changes.deletedIDs.map { CRMDeletedRecord(id: $0) },
            changedIDs: changes.changedIDs,
            checkpoint: DeletionCheckpoint(rawValue: changes.deltaLink))
    }

    /// One page of a query, at `url` (the first query or a next link).
    func fetchPage(_ url: String, _ plan: ReadPlan) async throws -> CRMPage {
        let headers = requestHeaders(pageSize: plan.pageSize, annotations: plan.annotations)
        let page = try await exchange.perform(
            plan.operation, tokens: tokens,
            build: { _ in HTTPRequest(url: resolve(url), headers: headers) },
            decode: { response throws(CRMJSON.Problem) in
                try DynamicsPageParser.page(
                    response.body, idField: plan.idField, modifiedField: plan.modifiedField,
                    keepFormattedValues: configuration.includeFormattedValues, keptAnnotations: plan.annotatedFields)
            })
        return CRMPage(records: page.records, next: page.nextLink)
    }

    /// The headers every Web API read sends; `annotations` are those the query reads.
    func requestHeaders(pageSize: Int, trackChanges: Bool = false, annotations: [CRMFieldAnnotation] = []) -> HTTPHeaders {
        var preferences = ["odata.maxpagesize=\(pageSize)"]
        if trackChanges { preferences.insert("odata.track-changes", at: 0) }
        var included = configuration.includeFormattedValues ? [CRMFieldAnnotation.formattedValue] : []
        for annotation in annotations where !included.contains(annotation) { included.append(annotation) }
        if !included.isEmpty {
            preferences.append("odata.include-annotations=\"" + included.map(\.rawValue).joined(separator: ",") + "\"")
        }
        return [
            "Accept": "application/json",
            "OData-MaxVersion": "4.0",
            "OData-Version": "4.0",
            "Prefer": preferences.joined(separator: ","),
        ]
    }

    /// An absolute link as is; a relative one against the Web API root.
    func resolve(_ link: String) -> String {
        if link.hasPrefix("http://") || link.hasPrefix("https://") { return link }
        if link.hasPrefix("/") {
            guard let scheme = configuration.webAPIURL.range(of: "://"),
                  let slash = configuration.webAPIURL[scheme.upperBound...].firstIndex(of: "/")
            else { return configuration.webAPIURL + link.dropFirst() }
            return configuration.webAPIURL[..<slash] + link
        }
        return configuration.webAPIURL + link
    }
}
