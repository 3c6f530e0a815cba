import CRMEmulatorCore
import Foundation
import struct HTTPBridge.HTTPRequest
import TestSupport

/// A small Web API client for the Dynamics emulator tests, over real HTTP.
/// Goes through the project's libcurl client, as the connectors do.
struct DynamicsTestClient {
    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: Data

        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var rows: [[String: Any]] { json["value"] as? [[String: Any]] ?? [] }
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
        var errorMessage: String? { (json["error"] as? [String: Any])?["message"] as? String }
        func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    let baseURL: String
    var token: String?
    init(baseURL: String) {
        self.baseURL = baseURL
    }

    var apiRoot: String { baseURL + "/api/data/v9.2/" }

    /// Starts an emulator serving only a demo Dynamics organisation.
    static func start(seed: Int) async throws -> (TestEmulator, DynamicsTestClient) {
        let emulator = try await TestEmulator.start(crms: [DynamicsEmulator(configuration: .demo(seed: seed))])
        var client = DynamicsTestClient(baseURL: emulator.baseURL)
        client.token = try await client.fetchToken()
        return (emulator, client)
    }

    func fetchToken(clientId: String = "crmbridge-demo", secret: String = "demo-secret") async throws -> String {
        let answer = try await tokenRequest(clientId: clientId, secret: secret)
        guard let token = answer.json["access_token"] as? String else { throw TestClientError.noToken(answer.text) }
        return token
    }

    /// A client-credentials token request; `scope` defaults to this organisation's.
    func tokenRequest(clientId: String, secret: String, scope: String? = nil) async throws -> Answer {
        let form = [
            ("client_id", clientId), ("client_secret", secret), ("grant_type", "client_credentials"),
            ("scope", scope ?? baseURL + "/.default"),
        ].map { "\($0)=\(Self.encode($1))" }.joined(separator: "&")
        return try await send("POST", url: baseURL + "/demo-tenant/oauth2/v2.0/token",
                              headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Data(form.utf8))
    }

    /// A Web API call; `path` is relative to the service root, query pairs are encoded here.
    func api(
        _ method: String, _ path: String, query: [(String, String)] = [], headers: [String: String] = [:], json: String? = nil
    ) async throws -> Answer {
        var url = apiRoot + path
        if !query.isEmpty { url += "?" + query.map { "\($0)=\(Self.encode($1))" }.joined(separator: "&") }
        return try await call(method, url: url, headers: headers, body: json.map { Data($0.utf8) })
    }

    /// A call to an absolute URL (next and delta links) with the bearer token.
    func call(_ method: String, url: String, headers: [String: String] = [:], body: Data? = nil) async throws -> Answer {
        var all = ["Accept": "application/json", "OData-MaxVersion": "4.0", "OData-Version": "4.0"]
        if let token { all["Authorization"] = "Bearer \(token)" }
        if body != nil, all["Content-Type"] == nil { all["Content-Type"] = "application/json" }
        all.merge(headers) { $1 }
        return try await send(method, url: url, headers: all, body: body)
    }

    func admin(_ method: String, _ path: String, json: String? = nil) async throws -> Answer {
        try await send(method, url: baseURL + "/admin/dynamics/" + path, headers: ["Content-Type": "application/json"], body: json.map { Data($0.utf8) })
    }

    func send(_ method: String, url: String, headers: [String: String], body: Data?) async throws -> Answer {
        var request = HTTPBridge.HTTPRequest(method: method, url: url, body: body.map { Array($0) })
        for (name, value) in headers { request.headers.add(name, value) }
        let response = try await sharedTestHTTPClient.execute(request)
        var fields: [String: String] = [:]
        for (name, value) in response.headers where fields[name.lowercased()] == nil { fields[name.lowercased()] = value }
        return Answer(status: response.status, headers: fields, body: Data(response.body))
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// Reads every page of a query, following `@odata.nextLink` until it is absent.
    func readAll(_ path: String, query: [(String, String)], pageSize: Int, extraHeaders: [String: String] = [:]) async throws -> (rows: [[String: Any]], pages: Int, last: Answer) {
        var headers = extraHeaders
        headers["Prefer"] = [extraHeaders["Prefer"], "odata.maxpagesize=\(pageSize)"].compactMap { $0 }.joined(separator: ",")
        var answer = try await api("GET", path, query: query, headers: headers)
        var rows = answer.rows
        var pages = 1
        while let next = answer.json["@odata.nextLink"] as? String {
            guard answer.status == 200, pages < 10_000 else { break }
            answer = try await call("GET", url: next, headers: headers)
            rows += answer.rows
            pages += 1
        }
        return (rows, pages, answer)
    }
}

enum TestClientError: Error {
    case badURL(String)
    case notHTTP
    case noToken(String)
}
