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

    /// Every live record of `object`: id → the named fields as the CRM sends them.
    public func records(_ object: String, idField: String, fields: [String]) async throws -> [String: [String: TestJSON]] {
        var result: [String: [String: TestJSON]] = [:]
        var next: String?
        switch kind {
        case .dynamics:
            next = HTTPRequest.url(baseURL + Self.dynamicsAPI + object, query: [("$select", ([idField] + fields).joined(separator: ","))])
        case .salesforce:
            let soql = "SELECT \(([idField] + fields).joined(separator: ", ")) FROM \(object)"
            next = HTTPRequest.url(baseURL + Self.salesforceAPI + "query", query: [("q", soql)])
        }
        while let url = next {
            let response = try await send("GET", url, body: nil, extraHeaders: [("Prefer", "odata.maxpagesize=5000")])
            let page = try JSONDecoder().decode(Page.self, from: Data(response.body))
            for row in page.rows {
                guard let id = row[idField]?.stringValue else { continue }
                result[id] = row.filter { fields.contains($0.key) }
            }
            next = page.next.map { $0.hasPrefix("http") ? $0 : baseURL + $0 }
        }
        return result
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

    func token() async throws -> String {
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
