import Foundation
import HTTPBridge

/// The CRM emulator as the bench drives it: its admin API (reset, seed, limits) and its
/// Dynamics Web API as a plain client (token, pages, PATCH), over the product's libcurl
/// `HTTPClient` with nothing of the product's connectors.
struct EmulatorClient: Sendable {
    let baseURL: String
    let http: HTTPClient
    static let tenant = "bench-tenant"
    static let clientID = "crmbridge-demo"
    static let clientSecret = "demo-secret"
    /// Rows per seeding call. The emulator generates seeded rows from the seed when they
    /// are read, so a call costs next to nothing whatever its count (the admin API takes up
    /// to 50,000,000); each call adds one segment the emulator searches when it locates a
    /// row, so 15 million go in two calls rather than 300 of 50,000.
    static let seedBatch = 10_000_000

    var tokenURL: String { baseURL + "/\(Self.tenant)/oauth2/v2.0/token" }
    var webAPIURL: String { baseURL + "/api/data/v9.2/" }

    /// Every CRM back to its (empty) seed, and service protection lifted: the bench's
    /// changes stand for many CRM users, not the bridge's one application user.
    func reset() async throws {
        try await expect(204, HTTPRequest(method: "POST", url: baseURL + "/admin/reset"), "reset")
        let limits = #"{"requests":100000000,"executionTimeMilliseconds":1000000000,"concurrentRequests":1000,"windowSeconds":300}"#
        try await expect(200, HTTPRequest(
            method: "PUT", url: baseURL + "/admin/dynamics/limits", headers: ["Content-Type": "application/json"],
            body: Array(limits.utf8)), "set limits")
    }

    /// Adds `count` deterministic contacts, in batches of `seedBatch`.
    func seedContacts(_ count: Int) async throws {
        var left = count
        while left > 0 {
            let batch = min(left, Self.seedBatch)
            try await expect(200, HTTPRequest(
                method: "POST", url: baseURL + "/admin/dynamics/seed?entity=contacts&count=\(batch)", timeout: .seconds(600)),
                "seed")
            left -= batch
        }
    }

    /// A bearer token of the demo client (client-credentials grant).
    func token() async throws -> String {
        let response = try await http.execute(.form(url: tokenURL, fields: [
            ("client_id", Self.clientID), ("client_secret", Self.clientSecret),
            ("grant_type", "client_credentials"), ("scope", baseURL + "/.default"),
        ]))
        struct Answer: Decodable { var access_token: String }
        guard response.status == 200, let answer = try? JSONDecoder().decode(Answer.self, from: Data(response.body)) else {
            throw BenchError("emulator token request answered \(response.status)")
        }
        return answer.access_token
    }

    /// The Web API headers of a read with `pageSize` records per page.
    static func readHeaders(token: String, pageSize: Int) -> HTTPHeaders {
        [
            "Authorization": "Bearer \(token)", "Accept": "application/json",
            "OData-MaxVersion": "4.0", "OData-Version": "4.0", "Prefer": "odata.maxpagesize=\(pageSize)",
        ]
    }

    /// `PATCH contacts(<id>)` with a JSON body; true on 204.
    func patchContact(_ id: String, json: String, token: String) async throws -> Bool {
        let response = try await http.execute(HTTPRequest(
            method: "PATCH", url: webAPIURL + "contacts(\(id))",
            headers: [
                "Authorization": "Bearer \(token)", "Content-Type": "application/json", "If-Match": "*",
                "OData-MaxVersion": "4.0", "OData-Version": "4.0",
            ],
            body: Array(json.utf8), timeout: .seconds(30)))
        return response.status == 204
    }

    private func expect(_ status: Int, _ request: HTTPRequest, _ what: String) async throws {
        let response = try await http.execute(request)
        guard response.status == status else {
            throw BenchError("emulator \(what) answered \(response.status): \(response.bodyText.prefix(300))")
        }
    }
}
