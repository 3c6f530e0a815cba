import Config
import Foundation
import PostgresBridge
import TestSupport

/// Records a test writes through the CRM's API, in each CRM's own field names.
enum TestRecords {
    static func contact(_ crm: CRMKind, first: String, last: String, email: String?, birthdate: String? = nil) -> [String: Any] {
        switch crm {
        case .dynamics:
            ["firstname": first, "lastname": last, "emailaddress1": email ?? NSNull(), "birthdate": birthdate ?? NSNull()]
        case .salesforce:
            ["FirstName": first, "LastName": last, "Email": email ?? NSNull(), "Birthdate": birthdate ?? NSNull()]
        }
    }

    static func lastNameField(_ crm: CRMKind) -> String { crm == .dynamics ? "lastname" : "LastName" }

    static func membership(_ crm: CRMKind, name: String, start: String) -> [String: Any] {
        switch crm {
        case .dynamics:
            ["crmb_name": name, "crmb_level": 100_000_002, "crmb_startdate": start, "crmb_active": true, "crmb_fee": 12.5]
        case .salesforce:
            ["Name": name, "CRMB_Level__c": "Gold", "CRMB_Start_Date__c": start, "CRMB_Active__c": true, "CRMB_Points__c": 12.5]
        }
    }

    /// `2026-01-02T03:04:05Z`: whole seconds, UTC.
    static func iso(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)))
    }
}

extension TestStack {
    /// How many of `ids` have a live row in the entity's table.
    func rowCount(_ entity: TestEntity, ids: [String]) async throws -> Int {
        let live = entity.softDeleteColumn.map { " AND NOT \($0)" } ?? ""
        return try await count("SELECT count(*) FROM \(entity.table) WHERE crm_id = ANY($1::text[])\(live)", [PostgresArrayLiteral.text(ids)])
    }
}
