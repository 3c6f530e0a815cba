import Foundation
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

    /// A user sets the flag in the CRM. Answers the second the CRM stamps it with: the
    /// update is sent again until it starts and ends within one wall-clock second (the
    /// emulator runs on this machine's clock), so the second is known exactly.
    static func flip(_ stack: TestStack, _ id: String, to value: Bool) async throws -> Int64 {
        try await ChaosRetry.retrying("flip \(id) in the CRM") {
            while true {
                let before = Int64(Date().timeIntervalSince1970.rounded(.down))
                try await stack.crmAPI.update("contacts", id: id, ["donotbulkemail": value])
                let after = Int64(Date().timeIntervalSince1970.rounded(.down))
                if before == after { return before }
            }
        }
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
