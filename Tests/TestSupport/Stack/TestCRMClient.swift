import Config
import Foundation
import HTTPBridge

/// Talks to the emulator's CRM API as a user (or another application) of the CRM
/// would: creates, updates and deletes records through the documented Web API /
/// REST API, and reads what the CRM holds to compare Campaign with. Independent of
/// the product's connectors, so a connector bug cannot hide itself.
public struct TestCRMClient: Sendable {
    public let kind: CRMKind
    public let baseURL: String
    let http: HTTPClient

    public init(kind: CRMKind, baseURL: String, http: HTTPClient) {
        self.kind = kind
        self.baseURL = baseURL
        self.http = http
    }

    static let dynamicsAPI = "/api/data/v9.2/"
    static let salesforceAPI = "/services/data/v60.0/"

    /// Creates a record; `fields` is a JSON object's members. Returns the new id.
    @discardableResult
    public func create(_ object: String, _ fields: [String: Any]) async throws -> String {
        let body = try JSONSerialization.data(withJSONObject: fields)
        switch kind {
        case .dynamics:
            let response = try await send("POST", Self.dynamicsAPI + object, body: Array(body))
            guard let entity = response.headers["OData-EntityId"], let open = entity.lastIndex(of: "("),
                  let close = entity.lastIndex(of: ")") else {
                throw TestStackError("create \(object): no OData-EntityId in the answer (\(response.status))")
            }
            return String(entity[entity.index(after: open)..<close])
        case .salesforce:
            let response = try await send("POST", Self.salesforceAPI + "sobjects/\(object)/", body: Array(body))
            let answer = try JSONDecoder().decode([String: TestJSON].self, from: Data(response.body))
            guard let id = answer["id"]?.stringValue else { throw TestStackError("create \(object): no id in the answer") }
            return id
        }
    }

    public func update(_ object: String, id: String, _ fields: [String: Any]) async throws {
        let body = try JSONSerialization.data(withJSONObject: fields)
        _ = try await send("PATCH", recordPath(object, id), body: Array(body))
    }

    public func delete(_ object: String, id: String) async throws {
        _ = try await send("DELETE", recordPath(object, id), body: nil)
    }

    /// Sets `fields` on many records of `object` in as few calls as the CRM allows, as an
    /// integration or a mass edit would: Dataverse `UpdateMultiple` (`typeName` is the
    /// table's logical name, e.g. `contact`), Salesforce sObject Collections (`typeName` is
    /// the object, e.g. `Contact`; 200 records a call, all or none). Each update names its
    /// record's id and the fields to set.
    public func updateMany(_ object: String, typeName: String, idField: String, _ updates: [(id: String, fields: [String: Any])]) async throws {
        switch kind {
        case .dynamics:
            for chunk in stride(from: 0, to: updates.count, by: 1000).map({ updates[$0..<min($0 + 1000, updates.count)] }) {
                let targets: [[String: Any]] = chunk.map { update in
                    update.fields.merging(["@odata.type": "Microsoft.Dynamics.CRM.\(typeName)", idField: update.id]) { $1 }
                }
                let body = try JSONSerialization.data(withJSONObject: ["Targets": targets])
                _ = try await send("POST", Self.dynamicsAPI + object + "/Microsoft.Dynamics.CRM.UpdateMultiple", body: Array(body))
            }
        case .salesforce:
            for chunk in stride(from: 0, to: updates.count, by: 200).map({ updates[$0..<min($0 + 200, updates.count)] }) {
                let records: [[String: Any]] = chunk.map { update in
                    update.fields.merging(["attributes": ["type": typeName], "id": update.id]) { $1 }
                }
                let body = try JSONSerialization.data(withJSONObject: ["allOrNone": true, "records": records] as [String: Any])
                let response = try await send("PATCH", Self.salesforceAPI + "composite/sobjects", body: Array(body))
                let results = try JSONDecoder().decode([[String: TestJSON]].self, from: Data(response.body))
                let failed = results.filter { $0["success"] != .bool(true) }
                guard results.count == chunk.count, failed.isEmpty else {
                    throw TestStackError("update \(chunk.count) \(object): \(results.count) results, failures \(failed.prefix(3))")
                }
            }
        }
    }

    /// The records of `object` with the given ids (those that exist): id → the named
    /// fields. Asked by id, a hundred a query, so a few records of a big table are cheap.
    public func records(_ object: String, idField: String, fields: [String], ids: [String]) async throws -> [String: [String: TestJSON]] {
        var result: [String: [String: TestJSON]] = [:]
        for start in stride(from: 0, to: ids.count, by: 100) {
            let chunk = ids[start..<min(start + 100, ids.count)]
            let filter = switch kind {
            case .dynamics: chunk.map { "\(idField) eq \($0)" }.joined(separator: " or ")
            case .salesforce: "\(idField) IN (" + chunk.map { "'\($0)'" }.joined(separator: ",") + ")"
            }
            result.merge(try await records(object, idField: idField, fields: fields, filter: filter)) { $1 }
        }
        return result
    }

    /// Every live record of `object` (or those matching `filter`, OData or a SOQL
    /// condition): id → the named fields as the CRM sends them.
    public func records(_ object: String, idField: String, fields: [String], filter: String? = nil) async throws -> [String: [String: TestJSON]] {
        var result: [String: [String: TestJSON]] = [:]
        try await forEachPage(object, idField: idField, fields: fields, filter: filter) { page in
            result.merge(page) { $1 }
        }
        return result
    }

    /// `records`, one page at a time (up to 5000 records), for a comparison of a table too
    /// big to hold twice.
    public func forEachPage(
        _ object: String, idField: String, fields: [String], filter: String? = nil,
        _ body: ([String: [String: TestJSON]]) async throws -> Void
    ) async throws {
        var next: String?
        switch kind {
        case .dynamics:
            next = HTTPRequest.url(
                baseURL + Self.dynamicsAPI + object,
                query: [("$select", ([idField] + fields).joined(separator: ","))] + (filter.map { [("$filter", $0)] } ?? []))
        case .salesforce:
            let soql = "SELECT \(([idField] + fields).joined(separator: ", ")) FROM \(object)" + (filter.map { " WHERE \($0)" } ?? "")
            next = HTTPRequest.url(baseURL + Self.salesforceAPI + "query", query: [("q", soql)])
        }
        while let url = next {
            let response = try await send("GET", url, body: nil, extraHeaders: [("Prefer", "odata.maxpagesize=5000")])
            let page = try JSONDecoder().decode(Page.self, from: Data(response.body))
            var records: [String: [String: TestJSON]] = [:]
            for row in page.rows {
                guard let id = row[idField]?.stringValue else { continue }
                records[id] = row.filter { fields.contains($0.key) }
            }
            try await body(records)
            next = page.next.map { $0.hasPrefix("http") ? $0 : baseURL + $0 }
        }
    }

    /// A page of either CRM: `value` + `@odata.nextLink`, or `records` + `nextRecordsUrl`.
    private struct Page: Decodable {
        var rows: [[String: TestJSON]]
        var next: String?

        enum Keys: String, CodingKey {
            case value, records, nextRecordsUrl
            case nextLink = "@odata.nextLink"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            rows = try container.decodeIfPresent([[String: TestJSON]].self, forKey: .value)
                ?? container.decodeIfPresent([[String: TestJSON]].self, forKey: .records) ?? []
            next = try container.decodeIfPresent(String.self, forKey: .nextLink)
                ?? container.decodeIfPresent(String.self, forKey: .nextRecordsUrl)
        }
    }

    private func recordPath(_ object: String, _ id: String) -> String {
        kind == .dynamics ? Self.dynamicsAPI + "\(object)(\(id))" : Self.salesforceAPI + "sobjects/\(object)/\(id)"
    }

    @discardableResult
    func send(_ method: String, _ path: String, body: [UInt8]?, extraHeaders: [(String, String)] = []) async throws -> HTTPResponse {
        var request = HTTPRequest(method: method, url: path.hasPrefix("http") ? path : baseURL + path, body: body)
        request.headers.add("Authorization", "Bearer \(try await token())")
        request.headers.add("Accept", "application/json")
        if body != nil { request.headers.add("Content-Type", "application/json") }
        for (name, value) in extraHeaders { request.headers.add(name, value) }
        let response = try await http.execute(request)
        guard response.isSuccess else {
            throw TestStackError("\(method) \(path) answered \(response.status): \(response.bodyText.prefix(500))")
        }
        return response
    }

    public func token() async throws -> String {
        let request: HTTPRequest
        switch kind {
        case .dynamics:
            request = HTTPRequest.form(
                url: baseURL + "/test-tenant/oauth2/v2.0/token",
                fields: [("client_id", "crmbridge-demo"), ("client_secret", "demo-secret"),
                         ("grant_type", "client_credentials"), ("scope", baseURL + "/.default")])
        case .salesforce:
            request = HTTPRequest.form(
                url: baseURL + "/services/oauth2/token",
                // The emulator's second connected app: a person editing the org, as another user.
                fields: [("client_id", "crmbridge-user"), ("client_secret", "user-secret"), ("grant_type", "client_credentials")])
        }
        let response = try await http.execute(request)
        let answer = try JSONDecoder().decode([String: TestJSON].self, from: Data(response.body))
        guard let token = answer["access_token"]?.stringValue else { throw TestStackError("token request answered \(response.status)") }
        return token
    }
}
