/// The demo organisation's tables: the documented contact table, accounts, leads,
/// opportunities, the custom `crmb_membership` table (publisher prefix `crmb_`) and the
/// four custom email-event activity tables with the alternate key `crmb_eventid`.
enum DynamicsDemoSchema {
    typealias Field = DynamicsFieldDefinition

    static let entities: [DynamicsEntityDefinition] = [contact, account, lead, opportunity, membership]
        + ["send", "open", "click", "bounce"].map(emailEvent)

    static let contactState = DynamicsFieldType.picklist(kind: "State", options: [0: "Active", 1: "Inactive"])
    static let contactStatus = DynamicsFieldType.picklist(kind: "Status", options: [1: "Active", 2: "Inactive"])
    static let allow = DynamicsFieldType.boolean(trueLabel: "Do Not Allow", falseLabel: "Allow")

    static let contact = DynamicsEntityDefinition(
        logicalName: "contact", entitySetName: "contacts", primaryKey: "contactid", primaryName: "fullname",
        fields: [
            Field("contactid", .uniqueIdentifier),
            Field("firstname", .string(50)),
            Field("lastname", .string(50), required: true),
            Field("fullname", .string(160), readOnly: true),
            Field("emailaddress1", .string(100)),
            Field("telephone1", .string(50)),
            Field("donotemail", allow),
            Field("donotbulkemail", allow),
            Field("statecode", contactState, default: .integer(0)),
            Field("statuscode", contactStatus, default: .integer(1)),
            Field("birthdate", .dateOnly),
            Field("parentcustomerid", .lookup(targets: ["account", "contact"])),
            Field("createdon", .dateTime, readOnly: true),
            Field("modifiedon", .dateTime, readOnly: true),
        ])

    static let account = DynamicsEntityDefinition(
        logicalName: "account", entitySetName: "accounts", primaryKey: "accountid", primaryName: "name",
        fields: [
            Field("accountid", .uniqueIdentifier),
            Field("name", .string(160), required: true),
            Field("accountnumber", .string(20)),
            Field("telephone1", .string(50)),
            Field("emailaddress1", .string(100)),
            Field("address1_city", .string(80)),
            Field("revenue", .money),
            Field("numberofemployees", .integer),
            Field("donotbulkemail", allow),
            Field("statecode", contactState, default: .integer(0)),
            Field("statuscode", contactStatus, default: .integer(1)),
            // A customer-defined alternate key, as campaign-to-crm exports upsert by.
            Field("crmb_externalid", .string(100)),
        ],
        alternateKeys: ["crmb_externalid_key": ["crmb_externalid"]])

    static let lead = DynamicsEntityDefinition(
        logicalName: "lead", entitySetName: "leads", primaryKey: "leadid", primaryName: "fullname",
        fields: [
            Field("leadid", .uniqueIdentifier),
            Field("subject", .string(300)),
            Field("firstname", .string(50)),
            Field("lastname", .string(50), required: true),
            Field("fullname", .string(160), readOnly: true),
            Field("companyname", .string(100)),
            Field("emailaddress1", .string(100)),
            Field("donotbulkemail", allow),
            Field("statecode", .picklist(kind: "State", options: [0: "Open", 1: "Qualified", 2: "Disqualified"]), default: .integer(0)),
            Field("statuscode", .picklist(kind: "Status", options: [1: "New", 2: "Contacted", 3: "Qualified", 4: "Lost"]), default: .integer(1)),
        ])

    static let opportunity = DynamicsEntityDefinition(
        logicalName: "opportunity", entitySetName: "opportunities", primaryKey: "opportunityid", primaryName: "name",
        fields: [
            Field("opportunityid", .uniqueIdentifier),
            Field("name", .string(300), required: true),
            Field("estimatedvalue", .money),
            Field("estimatedclosedate", .dateOnly),
            Field("closeprobability", .integer),
            Field("parentcontactid", .lookup(targets: ["contact"])),
            Field("customerid", .lookup(targets: ["account", "contact"])),
            Field("statecode", .picklist(kind: "State", options: [0: "Open", 1: "Won", 2: "Lost"]), default: .integer(0)),
            Field("statuscode", .picklist(kind: "Status", options: [1: "In Progress", 2: "On Hold", 3: "Won", 4: "Canceled", 5: "Out-Sold"]), default: .integer(1)),
        ])

    static let membership = DynamicsEntityDefinition(
        logicalName: "crmb_membership", entitySetName: "crmb_memberships", primaryKey: "crmb_membershipid", primaryName: "crmb_name",
        fields: [
            Field("crmb_membershipid", .uniqueIdentifier),
            Field("crmb_name", .string(100), required: true),
            Field("crmb_contactid", .lookup(targets: ["contact"])),
            Field("crmb_level", .picklist(kind: "Picklist", options: [100_000_000: "Bronze", 100_000_001: "Silver", 100_000_002: "Gold"])),
            Field("crmb_startdate", .dateOnly),
            Field("crmb_enddate", .dateOnly),
            Field("crmb_active", .yesNo),
            Field("crmb_fee", .money),
            Field("statecode", contactState, default: .integer(0)),
            Field("statuscode", contactStatus, default: .integer(1)),
        ])

    static let activityState = DynamicsFieldType.picklist(kind: "State", options: [0: "Open", 1: "Completed", 2: "Canceled"])
    static let activityStatus = DynamicsFieldType.picklist(kind: "Status", options: [1: "Open", 2: "Completed", 3: "Canceled"])

    /// `crmb_email<kind>` activity tables: primary key `activityid` like every activity,
    /// regarding = the contact, alternate key `crmb_eventid` (the Campaign event id).
    static func emailEvent(_ kind: String) -> DynamicsEntityDefinition {
        DynamicsEntityDefinition(
            logicalName: "crmb_email\(kind)", entitySetName: "crmb_email\(kind)s", primaryKey: "activityid", primaryName: "subject",
            fields: [
                Field("activityid", .uniqueIdentifier),
                Field("subject", .string(400)),
                Field("regardingobjectid", .lookup(targets: ["contact", "account", "lead", "opportunity"])),
                Field("crmb_campaignname", .string(200)),
                Field("crmb_deliveryname", .string(200)),
                Field("crmb_eventdate", .dateTime),
                Field("crmb_url", .memo(maxLength: 2000)),
                Field("crmb_mirrorurl", .memo(maxLength: 2000)),
                Field("crmb_eventid", .string(100)),
                Field("statecode", activityState, default: .integer(0)),
                Field("statuscode", activityStatus, default: .integer(1)),
            ],
            alternateKeys: ["crmb_eventid_key": ["crmb_eventid"]],
            isActivity: true)
    }
}
