import Config
import WorkflowRuntime


/// One entity of a test's crm-to-campaign configuration, written as YAML the way an
/// operator writes `crmbridge.yaml`, and known well enough to compare Campaign with the CRM.
struct TestEntity: Sendable {
    struct Field: Sendable {
        var remote: String
        var column: String
        var conversion: String?
        /// More keys of the field, as YAML flow (`applyUpdates: false`).
        var options: String?
    }

    var name: String
    var remoteObject: String
    var remoteId: String
    var modifiedField: String
    var table: String
    var fields: [Field]
    /// Read deletes from the CRM (`deletes.enabled`).
    var deletes = true
    var softDeleteColumn: String?
    /// More YAML keys of the entity (`filter:`, `deletes:`…), each line indented by 8 spaces.
    var extra: [String] = []
    var pageSize = 2000
    var interval = "1s"
    var lookBack = "5s"

    var yaml: String {
        var lines = [
            "      - name: \(name)",
            "        remoteObject: \(remoteObject)",
            "        remoteId: \(remoteId)",
            "        table: \(table)",
            "        pageSize: \(pageSize)",
            "        interval: \(interval)",
            "        lookBack: \(lookBack)",
            "        fields:",
        ]
        for field in fields {
            let conversion = field.conversion.map { ", conversion: \($0)" } ?? ""
            let options = field.options.map { ", " + $0 } ?? ""
            lines.append("          - { remote: \(field.remote), column: \(field.column)\(conversion)\(options) }")
        }
        if deletes {
            lines.append("        deletes: { enabled: true" + (softDeleteColumn.map { ", softDeleteColumn: \($0)" } ?? "") + " }")
        }
        lines += extra.map { "        " + $0 }
        return lines.joined(separator: "\n")
    }

    /// The `workflows:` body for these entities.
    static func workflow(_ entities: [TestEntity]) -> String {
        (["  crm-to-campaign:", "    entities:"] + entities.map(\.yaml)).joined(separator: "\n")
    }

    var topic: String { Topics.crmToCampaign(entity: name) }

    func with(_ change: (inout TestEntity) -> Void) -> TestEntity {
        var copy = self
        change(&copy)
        return copy
    }
}

/// The demo mappings (as in crmbridge.yaml and crmbridge.salesforce.yaml).
extension TestEntity {
    static func contact(_ crm: CRMKind) -> TestEntity {
        switch crm {
        case .dynamics:
            TestEntity(
                name: "contact", remoteObject: "contacts", remoteId: "contactid", modifiedField: "modifiedon", table: "profiles",
                fields: [
                    Field(remote: "firstname", column: "first_name"), Field(remote: "lastname", column: "last_name"),
                    Field(remote: "emailaddress1", column: "email"), Field(remote: "telephone1", column: "phone"),
                    Field(remote: "birthdate", column: "birth_date", conversion: "dateOnly"),
                    Field(remote: "createdon", column: "crm_created_at"),
                    Field(remote: "statecode", column: "crm_state", conversion: "copy"),
                ], pageSize: 5000)
        case .salesforce:
            TestEntity(
                name: "contact", remoteObject: "Contact", remoteId: "Id", modifiedField: "SystemModstamp", table: "profiles",
                fields: [
                    Field(remote: "FirstName", column: "first_name"), Field(remote: "LastName", column: "last_name"),
                    Field(remote: "Email", column: "email"), Field(remote: "Phone", column: "phone"),
                    Field(remote: "Birthdate", column: "birth_date", conversion: "dateOnly"),
                    Field(remote: "CreatedDate", column: "crm_created_at"),
                ])
        }
    }

    static func membership(_ crm: CRMKind) -> TestEntity {
        switch crm {
        case .dynamics:
            TestEntity(
                name: "membership", remoteObject: "crmb_memberships", remoteId: "crmb_membershipid", modifiedField: "modifiedon",
                table: "memberships",
                fields: [
                    Field(remote: "crmb_name", column: "name"), Field(remote: "crmb_level", column: "level", conversion: "copy"),
                    Field(remote: "crmb_startdate", column: "start_date", conversion: "dateOnly"),
                    Field(remote: "crmb_enddate", column: "end_date", conversion: "dateOnly"),
                    Field(remote: "crmb_active", column: "active"), Field(remote: "crmb_fee", column: "fee"),
                    Field(remote: "_crmb_contactid_value", column: "contact_crm_id"),
                    Field(remote: "createdon", column: "crm_created_at"),
                ], softDeleteColumn: "crm_deleted", pageSize: 5000)
        case .salesforce:
            TestEntity(
                name: "membership", remoteObject: "CRMB_Membership__c", remoteId: "Id", modifiedField: "SystemModstamp",
                table: "memberships",
                fields: [
                    Field(remote: "Name", column: "name"), Field(remote: "CRMB_Level__c", column: "level", conversion: "copy"),
                    Field(remote: "CRMB_Start_Date__c", column: "start_date", conversion: "dateOnly"),
                    Field(remote: "CRMB_Active__c", column: "active"), Field(remote: "CRMB_Points__c", column: "points"),
                    Field(remote: "CRMB_Contact__c", column: "contact_crm_id"),
                    Field(remote: "CreatedDate", column: "crm_created_at"),
                ], softDeleteColumn: "crm_deleted")
        }
    }
}
