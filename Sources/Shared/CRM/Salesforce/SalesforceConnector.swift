import Foundation
import HTTPBridge
import Logging
import Synchronization

/// The Salesforce REST API read side: SOQL queries paged with `nextRecordsUrl`
/// (`Sforce-Query-Options: batchSize`), reads by id, and deletes through the
/// replication API (`getDeleted`) or `queryAll`.
public struct SalesforceConnector: CRMSourceConnector {
    public let configuration: SalesforceConfiguration
    let exchange: CRMExchange
    let tokens: OAuthTokenProvider
    /// Objects found to lack `modifiedField`, read with `fallbackModifiedField` instead.
    let fallbacks = FallbackObjects()

    public var system: String { configuration.system }
    public var defaultModifiedField: String { configuration.modifiedField }

    /// - Parameter observer: told about each call (a reader's "CRM not answering" reason).
    /// - Parameter onRetry: told of every retry (a role counts them in its `/metrics`).
    public init(
        configuration: SalesforceConfiguration, http: HTTPClient, logger: Logger, observer: (any CRMCallObserver)? = nil,
        onRetry: CRMRetryObserver? = nil
    ) {
        self.configuration = configuration
        // Reads spend the same per-user budget as the writers of the process (issue 14 item 5).
        (exchange, tokens) = configuration.exchange(http: http, logger: logger, onRetry: onRetry, observer: observer)
    }

    public func pages(_ query: CRMQuery, modifiedIn window: ModifiedWindow?) -> CRMPages {
        if let window, window.isEmpty { return CRMPaging.empty }
        return read(query, resource: "query", conditions: { plan in
            window.map { [Self.windowCondition($0, field: plan.modifiedField)] } ?? []
        })
    }

    /// Rows deleted (still in the recycle bin) whose last-modified field is in `window`:
    /// `queryAll` with `IsDeleted = true`. Each record carries `IsDeleted`.
    public func deletedRows(_ query: CRMQuery, modifiedIn window: ModifiedWindow?) -> CRMPages {
        if let window, window.isEmpty { return CRMPaging.empty }
        var query = query
        if !query.fields.contains(where: { $0.caseInsensitiveCompare("IsDeleted") == .orderedSame }) {
            query.fields.append("IsDeleted")
        }
        return read(query, resource: "queryAll", conditions: { plan in
            ["IsDeleted = true"] + (window.map { [Self.windowCondition($0, field: plan.modifiedField)] } ?? [])
        })
    }

    /// A paged SOQL read with the query's filter and `conditions`, all ANDed.
    func read(_ query: CRMQuery, resource: String, conditions: @escaping @Sendable (ReadPlan) -> [String]) -> CRMPages {
        let plan: ReadPlan
        do {
            plan = try ReadPlan(query, configuration: configuration, fallbacks: fallbacks)
        } catch {
            return CRMPaging.failing(error)
        }
        return CRMPaging.stream(
            system: system, operation: plan.operation, chunks: 1,
            first: { _ in try await firstPage(plan, resource: resource, conditions: conditions) },
            next: { link in try await fetchPage(link, plan.applying(fallbacks, configuration)) })
    }

    /// The first page; when the object lacks the default last-modified field, remembers
    /// it and asks again with the fallback field.
    private func firstPage(
        _ plan: ReadPlan, resource: String, conditions: @Sendable (ReadPlan) -> [String]
    ) async throws -> CRMPage {
        do {
            return try await fetchPage(plan.path(resource: resource, conditions: conditions(plan)), plan)
        } catch let error as CRMError where plan.usesDefaultModifiedField && isMissingField(error, plan.modifiedField) {
            exchange.logger.notice(
                "Object lacks the last-modified field; using the fallback field",
                metadata: ["crm.object": "\(plan.object)", "crm.field": "\(configuration.fallbackModifiedField)"])
            fallbacks.insert(plan.object)
            let retried = plan.withModifiedField(configuration.fallbackModifiedField)
            return try await fetchPage(retried.path(resource: resource, conditions: conditions(retried)), retried)
        }
    }

    private func isMissingField(_ error: CRMError, _ field: String) -> Bool {
        error.remoteCode == "INVALID_FIELD" && error.message.range(of: field, options: .caseInsensitive) != nil
    }

    /// One page at `link`: a path from the instance root (`nextRecordsUrl`) or a URL.
    func fetchPage(_ link: String, _ plan: ReadPlan) async throws -> CRMPage {
        let headers: HTTPHeaders = [
            "Accept": "application/json",
            "Sforce-Query-Options": "batchSize=\(plan.batchSize)",
        ]
        return try await exchange.perform(
            plan.operation, tokens: tokens,
            build: { token in HTTPRequest(url: url(link, token: token), headers: headers) },
            decode: { response throws(CRMJSON.Problem) in
                try SalesforcePageParser.page(response.body, idField: plan.idField, modifiedField: plan.modifiedField)
            })
    }

    /// `link` resolved against the instance root (the token's when configured so).
    func url(_ link: String, token: OAuthToken?) -> String {
        if link.hasPrefix("http://") || link.hasPrefix("https://") { return link }
        var root = configuration.instanceURL
        if configuration.useTokenInstanceURL, let instance = token?.instanceURL, !instance.isEmpty {
            root = instance.hasSuffix("/") ? String(instance.dropLast()) : instance
        }
        return root + (link.hasPrefix("/") ? link : "/" + link)
    }

    /// `F >= start AND F < end`, in whole seconds (the literal form SOQL documents).
    static func windowCondition(_ window: ModifiedWindow, field: String) -> String {
        "\(field) >= \(CRMTimestamp.soqlString(window.start)) AND \(field) < \(CRMTimestamp.soqlString(window.end))"
    }

    /// Objects read with the fallback last-modified field. Thread-safe.
    final class FallbackObjects: Sendable {
        private let objects = Mutex(Set<String>())

        func contains(_ object: String) -> Bool { objects.withLock { $0.contains(object.lowercased()) } }
        func insert(_ object: String) { _ = objects.withLock { $0.insert(object.lowercased()) } }
    }
}
