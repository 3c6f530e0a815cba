@testable import CRMConnectors
@testable import Config
import CoreValues
import Foundation
@testable import HTTPBridge
import Logging
import TestSupport

/// One emulator on a free port, an HTTP client, and connectors pointed at it exactly as
/// they would be at a real CRM (only URLs and credentials differ).
struct CRMEmulatorFixture {
    let emulator: TestEmulator
    let http: HTTPClient
    let logger = Logger(label: "crm-connector-tests")

    static func start(seed: Int) async throws -> CRMEmulatorFixture {
        let emulator = try await TestEmulator.start(seed: seed)
        return CRMEmulatorFixture(emulator: emulator, http: HTTPClient())
    }

    func stop() {
        http.shutdown()
        emulator.stop()
    }

    /// How many live contacts the emulator holds, from its admin API.
    func liveContacts(_ crm: CRMKind) async throws -> Int {
        let response = try await admin("GET", crm == .dynamics ? "dynamics/counts" : "salesforce/counts")
        let counts = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        let count = crm == .dynamics ? counts?["contacts"] as? Int : (counts?["Contact"] as? [String: Any])?["live"] as? Int
        guard let count else { throw CRMEmulatorFixtureError("the emulator's counts have no live contacts: \(String(decoding: response.body, as: UTF8.self))") }
        return count
    }

    /// Short backoffs so tests stay quick; `Retry-After` is still honoured.
    static let testRetry = CRMRetryPolicy(maxAttempts: 12, initialBackoff: .milliseconds(20), maxBackoff: .milliseconds(200))

    func dynamics(retry: CRMRetryPolicy = testRetry, secret: String = "demo-secret") -> DynamicsConnector {
        DynamicsConnector(
            configuration: DynamicsConfiguration(
                organizationURL: emulator.baseURL,
                tokenURL: emulator.baseURL + "/crmbridge-tenant/oauth2/v2.0/token",
                clientID: "crmbridge-demo", clientSecret: Secret(secret), retry: retry),
            http: http, logger: logger)
    }

    func salesforce(
        retry: CRMRetryPolicy = testRetry, deletedRetention: Duration = .seconds(15 * 86_400)
    ) -> SalesforceConnector {
        SalesforceConnector(
            configuration: SalesforceConfiguration(
                instanceURL: emulator.baseURL, clientID: "crmbridge-demo", clientSecret: Secret("demo-secret"),
                deletedRetention: deletedRetention, retry: retry),
            http: http, logger: logger)
    }

    /// A call to the emulator's `/admin` API; fails the test on an error status.
    @discardableResult
    func admin(_ method: String, _ path: String, json: String? = nil) async throws -> HTTPResponse {
        var request = HTTPRequest(method: method, url: emulator.baseURL + "/admin/" + path)
        if let json {
            request.body = Array(json.utf8)
            request.headers.replace("Content-Type", "application/json")
        }
        let response = try await http.execute(request)
        guard response.isSuccess else { throw FixtureError.admin(path, response.status, response.bodyText) }
        return response
    }

    /// Sets the emulator's injected faults (every setting named; all off by default).
    func faults(throttleShare: Double = 0, retryAfterSeconds: Int = 1, unavailableShare: Double = 0, truncateShare: Double = 0) async throws {
        try await admin("PUT", "faults", json: """
            {"throttleShare":\(throttleShare),"retryAfterSeconds":\(retryAfterSeconds),"unavailableShare":\(unavailableShare),\
            "truncateShare":\(truncateShare),"addedLatencyMilliseconds":0}
            """)
    }

    /// A CRM call with a connector's own token (for writes the read side never makes).
    func call(_ method: String, _ url: String, tokens: OAuthTokenProvider) async throws -> HTTPResponse {
        let token = try await tokens.token()
        return try await http.execute(HTTPRequest(
            method: method, url: url, headers: ["Authorization": "Bearer " + token.accessToken, "Accept": "application/json"]))
    }

    /// The number of CRM requests the emulator has answered so far.
    func requestCount() async throws -> Int {
        let response = try await admin("GET", "counters")
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        let count = object?["requests"] as? Int
        guard let count else { throw FixtureError.admin("counters", response.status, "no request count") }
        return count
    }

    enum FixtureError: Error { case admin(String, Int, String) }
}

/// Every record of a stream, page after page.
func collect(_ pages: CRMPages) async throws -> (records: [CRMRecord], pages: Int) {
    var records: [CRMRecord] = []
    var count = 0
    for try await page in pages {
        records += page
        count += 1
    }
    return (records, count)
}

struct CRMEmulatorFixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
