import CRMConnectors
import CoreValues
import Foundation
import HTTPBridge
import Logging

/// The emulator's admin API as the egress benchmark needs it.
extension EmulatorClient {
    struct Counters: Decodable {
        var requests: Int
        var throttled: Int
    }

    func counters() async throws -> Counters {
        try await adminJSON("GET", "counters")
    }

    func setDynamicsLimits(_ json: String) async throws {
        let _: [String: Double] = try await adminJSON("PUT", "dynamics/limits", body: json)
    }

    /// Execution time the Dynamics emulator charged against its budget since the last
    /// reset or limits change (`GET /admin/dynamics/usage`).
    func dynamicsExecutionMilliseconds() async throws -> Double {
        let usage: [String: Double] = try await adminJSON("GET", "dynamics/usage")
        guard let charged = usage["executionMilliseconds"] else {
            throw BenchError("the emulator's dynamics/usage has no executionMilliseconds: \(usage.keys.sorted())")
        }
        return charged
    }

    /// Rows of a Dynamics entity set.
    func dynamicsCount(_ set: String) async throws -> Int {
        let counts: [String: Int] = try await adminJSON("GET", "dynamics/counts")
        return counts[set] ?? 0
    }

    /// Live `CRMB_Email_Event__c` records.
    func salesforceEventCount() async throws -> Int {
        struct Count: Decodable { var live: Int }
        let counts: [String: Count] = try await adminJSON("GET", "salesforce/counts")
        return counts["CRMB_Email_Event__c"]?.live ?? 0
    }

    /// The org's API requests used today (`Sforce-Limit-Info`'s first number).
    func salesforceUsage() async throws -> Int {
        struct Limits: Decodable { var apiRequestsUsed: Int }
        let limits: Limits = try await adminJSON("GET", "salesforce/limits")
        return limits.apiRequestsUsed
    }

    /// Ids of Salesforce contacts, seeding 2,000 when there are none.
    func salesforceContactIDs(configuration: SalesforceConfiguration, logger: Logger) async throws -> [String] {
        let connector = SalesforceConnector(configuration: configuration, http: http, logger: logger)
        var ids: [String] = []
        for try await page in connector.pages(CRMQuery(remoteObject: "Contact", fields: ["LastName"]), modifiedIn: nil) {
            ids += page.map(\.id)
        }
        if !ids.isEmpty { return ids }
        let response = try await http.execute(HTTPRequest(method: "POST", url: baseURL + "/admin/salesforce/seed?object=Contact&count=2000"))
        guard response.isSuccess else { throw BenchError("seeding Salesforce contacts answered \(response.status)") }
        return try await salesforceContactIDs(configuration: configuration, logger: logger)
    }

    private func adminJSON<Value: Decodable>(_ method: String, _ path: String, body: String? = nil) async throws -> Value {
        var request = HTTPRequest(method: method, url: baseURL + "/admin/" + path)
        if let body {
            request.body = Array(body.utf8)
            request.headers.replace("Content-Type", "application/json")
        }
        let response = try await http.execute(request)
        guard response.isSuccess else { throw BenchError("emulator admin \(path) answered \(response.status): \(response.bodyText.prefix(200))") }
        do {
            return try JSONDecoder().decode(Value.self, from: Data(response.body))
        } catch {
            throw BenchError("emulator admin \(path): unexpected answer \(response.bodyText.prefix(200))")
        }
    }
}
