import Foundation
import HTTPBridge
import TestSupport

/// The CRM side of the checks, through the CRM's own API as a user of the CRM sees it
/// (`TestCRMClient`, independent of the product's connectors), on either CRM
/// (`ChaosCRMSchema`). Calls made while the emulator injects faults are retried here: the
/// test's own client is not under test.
enum ChaosCRM {
    /// The opt-out flag of every contact, or of the contacts `ids` (asked by id: a few
    /// contacts of 200,000 cost a few calls, not forty pages).
    static func flags(_ stack: TestStack, ids: [String]? = nil) async throws -> [String: Bool] {
        let crm = ChaosCRMSchema.of(stack)
        let records = try await ChaosRetry.retrying("read the CRM's flags") {
            if let ids {
                try await stack.crmAPI.records(crm.contactObject, idField: crm.contactID, fields: [crm.optOutField], ids: ids)
            } else {
                try await stack.crmAPI.records(crm.contactObject, idField: crm.contactID, fields: [crm.optOutField])
            }
        }
        return records.compactMapValues { fields in
            if case .bool(let flag)? = fields[crm.optOutField] { return flag }
            return nil
        }
    }

    /// A user sets the flag of several contacts in the CRM at once (one bulk call, as a
    /// mass edit does). Answers the second the CRM stamped each with: the second of the
    /// call when it started and ended within one wall-clock second (the emulator runs on
    /// this machine's clock), else each contact's last-modified time read back (by id, in
    /// one query).
    static func flip(_ stack: TestStack, _ flips: [(id: String, value: Bool)]) async throws -> [String: Int64] {
        guard !flips.isEmpty else { return [:] }
        let crm = ChaosCRMSchema.of(stack)
        return try await ChaosRetry.retrying("flip \(flips.count) contacts in the CRM") {
            let before = Int64(Date().timeIntervalSince1970.rounded(.down))
            try await stack.crmAPI.updateMany(
                crm.contactObject, typeName: crm.contactType, idField: crm.contactID,
                flips.map { (id: $0.id, fields: [crm.optOutField: $0.value] as [String: Any]) })
            let after = Int64(Date().timeIntervalSince1970.rounded(.down))
            if before == after { return Dictionary(uniqueKeysWithValues: flips.map { ($0.id, before) }) }
            return try await modifiedSeconds(stack, flips.map(\.id))
        }
    }

    /// The contacts' last-modified times, in seconds since 1970, read through the CRM's API.
    static func modifiedSeconds(_ stack: TestStack, _ ids: [String]) async throws -> [String: Int64] {
        let crm = ChaosCRMSchema.of(stack)
        let records = try await stack.crmAPI.records(crm.contactObject, idField: crm.contactID, fields: [crm.modifiedField], ids: ids)
        var seconds: [String: Int64] = [:]
        for id in ids {
            guard let text = records[id]?[crm.modifiedField]?.stringValue, let millis = TestJSON.instant(text) else {
                throw TestStackError("contact \(id) answered without \(crm.modifiedField)")
            }
            seconds[id] = millis / 1000
        }
        return seconds
    }

    /// What the CRM holds of the mapped contact fields and the last-modified time: id →
    /// remote field → value.
    static func contacts(_ stack: TestStack) async throws -> [String: [String: TestJSON]] {
        let crm = ChaosCRMSchema.of(stack)
        return try await ChaosRetry.retrying("read the CRM's contacts") {
            try await stack.crmAPI.records(
                crm.contactObject, idField: crm.contactID, fields: crm.contactFields.map(\.remote) + [crm.modifiedField])
        }
    }

    /// Every access token the CRM issued expires now (the next call with one is refused).
    static func expireTokens(_ stack: TestStack) async throws {
        try await stack.admin("POST", ChaosCRMSchema.of(stack).admin + "/tokens/expire")
    }

    /// Error answers the emulator injected so far (429, 503, cut bodies), to the roles and
    /// to the test's own calls alike.
    static func faultsInjected(_ stack: TestStack) async throws -> Int {
        let text = try await stack.admin("GET", "/admin/counters")
        let counters = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        return counters?["faultsInjected"] as? Int ?? 0
    }
}
