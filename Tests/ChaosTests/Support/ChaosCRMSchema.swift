import Config
import Foundation
import TestSupport

/// What differs between the two CRMs a scenario runs against: the contact object, its
/// id, opt-out and last-modified fields, the mapped fields, where the email events land,
/// and the emulator's admin paths. Everything else of a scenario is the same for both.
struct ChaosCRMSchema: Sendable, CustomStringConvertible {
    var kind: CRMKind
    var contactObject: String
    var contactID: String
    /// The type name a bulk update gives each record (`UpdateMultiple` / Collections).
    var contactType: String
    var optOutField: String
    /// The last-modified field, mapped to `crm_modified_at` and the opt-out rule's CRM side.
    var modifiedField: String
    var contactFields: [(remote: String, column: String, conversion: String?)]
    /// Records one email-event call carries (Dataverse bulk messages take 1000, Collections 200).
    var eventBatchSize: Int
    var admin: String

    var description: String { kind.rawValue }

    static let dynamics = ChaosCRMSchema(
        kind: .dynamics, contactObject: "contacts", contactID: "contactid", contactType: "contact", optOutField: "donotbulkemail",
        modifiedField: "modifiedon",
        contactFields: [
            ("firstname", "first_name", nil), ("lastname", "last_name", nil), ("emailaddress1", "email", nil),
            ("telephone1", "phone", nil), ("birthdate", "birth_date", "dateOnly"), ("createdon", "crm_created_at", nil),
            ("statecode", "crm_state", "copy"),
        ],
        eventBatchSize: 1000, admin: "/admin/dynamics")

    static let salesforce = ChaosCRMSchema(
        kind: .salesforce, contactObject: "Contact", contactID: "Id", contactType: "Contact", optOutField: "HasOptedOutOfEmail",
        modifiedField: "SystemModstamp",
        contactFields: [
            ("FirstName", "first_name", nil), ("LastName", "last_name", nil), ("Email", "email", nil),
            ("Phone", "phone", nil), ("Birthdate", "birth_date", "dateOnly"), ("CreatedDate", "crm_created_at", nil),
        ],
        eventBatchSize: 200, admin: "/admin/salesforce")

    static func of(_ stack: TestStack) -> ChaosCRMSchema { stack.crm == .salesforce ? .salesforce : .dynamics }

    /// The crm-to-campaign entity, campaign-to-crm's email events and bidirectional opt-out
    /// (on the CRM's default contact, opt-out and last-modified fields).
    var workflowsYAML: String {
        let fields = contactFields.map { field in
            "          - { remote: \(field.remote), column: \(field.column)\(field.conversion.map { ", conversion: \($0)" } ?? "") }"
        }
        return ([
            "  crm-to-campaign:",
            "    entities:",
            "      - name: contact",
            "        remoteObject: \(contactObject)",
            "        remoteId: \(contactID)",
            "        table: profiles",
            "        pageSize: \(kind == .salesforce ? 2000 : 5000)",
            "        interval: 1s",
            "        lookBack: 5s",
            "        fields:",
        ] + fields + [
            "  campaign-to-crm:",
            "    emailEvents:",
            "      enabled: true",
            "      interval: 500ms",
            "      batchSize: \(eventBatchSize)",
            "  opt-in-out:",
            "    mode: bidirectional",
            "    interval: 500ms",
            "    lookBack: 2s",
        ]).joined(separator: "\n")
    }

    /// The emulator's limits raised so far that the scenarios meet faults, not the budget of
    /// one application user: they send far more calls than a day's or five minutes' share.
    func raiseLimits(_ stack: TestStack) async throws {
        switch kind {
        case .dynamics:
            try await stack.admin("PUT", "/admin/dynamics/limits", json: #"{"requests":100000000,"executionTimeMilliseconds":1000000000,"concurrentRequests":52,"windowSeconds":300}"#)
        case .salesforce:
            try await stack.admin("PUT", "/admin/salesforce/limits", json: #"{"dailyApiRequests":100000000}"#)
        }
    }

    /// Live records of `object` from the emulator's admin counts (cheap, never faulted).
    func adminCount(_ stack: TestStack, _ object: String) async throws -> Int {
        let text = try await stack.admin("GET", admin + "/counts")
        let counts = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
        switch kind {
        case .dynamics: return (counts[object] as? Int) ?? 0
        case .salesforce: return ((counts[object] as? [String: Any])?["live"] as? Int) ?? 0
        }
    }
}
