import Foundation
import HTTPBridge
import TestSupport

/// The CRM side of the checks, through the CRM's own API as a user of the CRM sees it
/// (`TestCRMClient`, independent of the product's connectors). Calls made while the
/// emulator injects faults are retried here: the test's own client is not under test.
enum ChaosCRM {
    /// The opt-out flag of every contact.
    static func flags(_ stack: TestStack) async throws -> [String: Bool] {
        let records = try await ChaosRetry.retrying("read the CRM's flags") {
            try await stack.crmAPI.records("contacts", idField: "contactid", fields: ["donotbulkemail"])
        }
        return records.compactMapValues { fields in
            if case .bool(let flag)? = fields["donotbulkemail"] { return flag }
            return nil
        }
    }

    /// A user sets the flag in the CRM. Answers the second the CRM stamped it with: the
    /// second of the call when it started and ended within one wall-clock second (the
    /// emulator runs on this machine's clock), else the contact's `modifiedon` read back
    /// (a slow, busy CRM rarely answers within one second).
    static func flip(_ stack: TestStack, _ id: String, to value: Bool) async throws -> Int64 {
        try await ChaosRetry.retrying("flip \(id) in the CRM") {
            let before = Int64(Date().timeIntervalSince1970.rounded(.down))
            try await stack.crmAPI.update("contacts", id: id, ["donotbulkemail": value])
            let after = Int64(Date().timeIntervalSince1970.rounded(.down))
            if before == after { return before }
            return try await modifiedSecond(stack, id)
        }
    }

    /// The contact's `modifiedon`, in seconds since 1970, read through the Web API.
    static func modifiedSecond(_ stack: TestStack, _ id: String) async throws -> Int64 {
        let base = stack.emulator.baseURL
        let token = try await stack.http.execute(HTTPRequest.form(
            url: base + "/test-tenant/oauth2/v2.0/token",
            fields: [("client_id", "crmbridge-demo"), ("client_secret", ChaosSecrets.clientSecret),
                     ("grant_type", "client_credentials"), ("scope", base + "/.default")]))
        let answer = try JSONDecoder().decode([String: TestJSON].self, from: Data(token.body))
        guard let access = answer["access_token"]?.stringValue else { throw TestStackError("token answered \(token.status)") }
        let response = try await stack.http.execute(HTTPRequest(
            method: "GET", url: base + "/api/data/v9.2/contacts(\(id))?$select=modifiedon",
            headers: ["Authorization": "Bearer \(access)", "Accept": "application/json"]))
        let record = try JSONDecoder().decode([String: TestJSON].self, from: Data(response.body))
        guard let text = record["modifiedon"]?.stringValue, let millis = TestJSON.instant(text) else {
            throw TestStackError("contact \(id) answered \(response.status) without modifiedon")
        }
        return millis / 1000
    }

    /// What the CRM holds of the mapped contact fields: id → remote field → value.
    static func contacts(_ stack: TestStack) async throws -> [String: [String: TestJSON]] {
        try await ChaosRetry.retrying("read the CRM's contacts") {
            try await stack.crmAPI.records(
                "contacts", idField: "contactid", fields: ChaosStack.contactFields.map(\.remote) + ["modifiedon"])
        }
    }

    /// A count of the emulator's admin API (never faulted nor slowed).
    static func adminCount(_ stack: TestStack, _ entitySet: String) async throws -> Int {
        let text = try await stack.admin("GET", "/admin/dynamics/counts")
        let counts = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
        return (counts[entitySet] as? Int) ?? 0
    }

    /// Error answers the emulator injected so far (each one a retry for a role).
    static func faultsInjected(_ stack: TestStack) async throws -> Int {
        let text = try await stack.admin("GET", "/admin/counters")
        let counters = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        return counters?["faultsInjected"] as? Int ?? 0
    }
}
