import CRMEmulatorCore
import Foundation
import struct HTTPBridge.HTTPRequest
import TestSupport

/// A Salesforce REST client for the emulator tests, over real HTTP.
/// (Through the project's libcurl `HTTPClient`, as the connectors.)
struct SalesforceTestClient {
    struct Answer {
        let status: Int
        let headers: [String: String]
        let body: Data

        var text: String { String(decoding: body, as: UTF8.self) }
        var json: Any? { try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
        var object: [String: Any] { json as? [String: Any] ?? [:] }
        var array: [[String: Any]] { json as? [[String: Any]] ?? [] }

        func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }

        /// `errorCode` of a top-level error answer `[{"message","errorCode"}]`.
        var errorCode: String? { array.first?["errorCode"] as? String }
    }

    static let version = "v60.0"
    let baseURL: String
    var token: String?

    /// A client holding a fresh token from the demo credentials.
    static func connect(_ emulator: TestEmulator) async throws -> SalesforceTestClient {
        var client = SalesforceTestClient(baseURL: emulator.baseURL, token: nil)
        let answer = try await client.requestToken()
        client.token = answer.object["access_token"] as? String
        return client
    }

    func requestToken(clientID: String = "crmbridge-demo", secret: String = "demo-secret",
                      grantType: String = "client_credentials") async throws -> Answer {
        let form = "grant_type=\(grantType)&client_id=\(clientID)&client_secret=\(secret)"
        return try await send("POST", "/services/oauth2/token", body: Data(form.utf8),
                              headers: ["Content-Type": "application/x-www-form-urlencoded"], authorized: false)
    }

    /// `path` below `/services/data/v60.0`, or absolute when it starts with `/services`.
    func send(_ method: String, _ path: String, json: String? = nil, headers: [String: String] = [:]) async throws -> Answer {
        let absolute = path.hasPrefix("/services") ? path : "/services/data/\(Self.version)\(path)"
        var headers = headers
        if json != nil { headers["Content-Type"] = "application/json" }
        return try await send(method, absolute, body: json.map { Data($0.utf8) }, headers: headers, authorized: true)
    }

    func query(_ soql: String, all: Bool = false, batchSize: Int? = nil) async throws -> Answer {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "+&=")
        let encoded = soql.addingPercentEncoding(withAllowedCharacters: allowed) ?? soql
        let headers = batchSize.map { ["Sforce-Query-Options": "batchSize=\($0)"] } ?? [:]
        return try await send("GET", "/\(all ? "queryAll" : "query")?q=\(encoded)", headers: headers)
    }

    func admin(_ method: String, _ path: String, json: String? = nil) async throws -> Answer {
        try await send(method, "/admin/salesforce/\(path)", body: json.map { Data($0.utf8) },
                       headers: json == nil ? [:] : ["Content-Type": "application/json"], authorized: false)
    }

    private func send(_ method: String, _ path: String, body: Data?, headers: [String: String], authorized: Bool) async throws -> Answer {
        var request = HTTPBridge.HTTPRequest(method: method, url: baseURL + path, body: body.map { Array($0) })
        for (name, value) in headers { request.headers.add(name, value) }
        if authorized, let token { request.headers.add("Authorization", "Bearer \(token)") }
        let response = try await sharedTestHTTPClient.execute(request)
        var fields: [String: String] = [:]
        for (name, value) in response.headers where fields[name] == nil { fields[name] = value }
        return Answer(status: response.status, headers: fields, body: Data(response.body))
    }
}

/// An emulator serving only Salesforce, seeded with `seed` records per object.
func startSalesforce(seed: Int = 0, configure: (inout SalesforceConfiguration) -> Void = { _ in }) async throws
    -> (TestEmulator, SalesforceTestClient) {
    var configuration = SalesforceConfiguration.demo(seed: seed)
    configure(&configuration)
    let emulator = try await TestEmulator.start(crms: [SalesforceEmulator(configuration: configuration)])
    return (emulator, try await SalesforceTestClient.connect(emulator))
}
