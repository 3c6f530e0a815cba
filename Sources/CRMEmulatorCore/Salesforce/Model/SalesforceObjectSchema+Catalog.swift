/// The objects the emulated org holds: the standard Contact, Account, Lead and
/// Opportunity (documented key prefixes), and the two CRM Bridge custom objects.
extension SalesforceObjectSchema {
    static let catalog: [SalesforceObjectSchema] = [account, contact, lead, opportunity, membership, emailEvent]

    /// Objects by lowercased name (object names are case-insensitive on the wire).
    static let byLowercasedName: [String: SalesforceObjectSchema] =
        Dictionary(uniqueKeysWithValues: catalog.map { ($0.name.lowercased(), $0) })

    /// Objects by the 3-character key prefix of their ids.
    static let byKeyPrefix: [String: SalesforceObjectSchema] =
        Dictionary(uniqueKeysWithValues: catalog.map { ($0.keyPrefix, $0) })

    static let account = SalesforceObjectSchema(
        name: "Account", label: "Account", labelPlural: "Accounts", keyPrefix: "001",
        fields: [
            .text("Name", "Account Name", length: 255, required: true),
            .text("AccountNumber", "Account Number", length: 40),
            .text("Industry", "Industry", .picklist, length: 255),
            .text("Phone", "Account Phone", .phone, length: 40),
            .text("Website", "Website", .url, length: 255),
            .text("BillingCity", "Billing City", length: 40),
            .text("BillingCountry", "Billing Country", length: 80),
            .value("NumberOfEmployees", "Employees", .integer),
            .value("AnnualRevenue", "Annual Revenue", .currency),
            .text("CRMB_External_Id__c", "CRM Bridge External Id", length: 80, externalID: true, unique: true),
        ])

    static let contact = SalesforceObjectSchema(
        name: "Contact", label: "Contact", labelPlural: "Contacts", keyPrefix: "003", composesName: true,
        fields: [
            .value("AccountId", "Account ID", .reference(to: ["Account"])),
            .text("FirstName", "First Name", length: 40),
            .text("LastName", "Last Name", length: 80, required: true),
            .computed("Name", "Full Name", length: 121),
            .text("Title", "Title", length: 128),
            .text("Email", "Email", .email, length: 80),
            .text("Phone", "Business Phone", .phone, length: 40),
            .text("MobilePhone", "Mobile Phone", .phone, length: 40),
            .text("MailingCity", "Mailing City", length: 40),
            .text("MailingCountry", "Mailing Country", length: 80),
            .value("Birthdate", "Birthdate", .date),
            .value("HasOptedOutOfEmail", "Email Opt Out", .boolean),
            .value("DoNotCall", "Do Not Call", .boolean),
            .text("EmailBouncedReason", "Email Bounced Reason", length: 255),
            .value("EmailBouncedDate", "Email Bounced Date", .dateTime),
            .text("CRMB_External_Id__c", "CRM Bridge External Id", length: 80, externalID: true, unique: true),
        ])

    static let lead = SalesforceObjectSchema(
        name: "Lead", label: "Lead", labelPlural: "Leads", keyPrefix: "00Q", composesName: true,
        fields: [
            .text("FirstName", "First Name", length: 40),
            .text("LastName", "Last Name", length: 80, required: true),
            .computed("Name", "Full Name", length: 121),
            .text("Company", "Company", length: 255, required: true),
            .text("Email", "Email", .email, length: 80),
            .text("Phone", "Phone", .phone, length: 40),
            .text("Status", "Status", .picklist, length: 255, required: true),
            .text("LeadSource", "Lead Source", .picklist, length: 255),
            .value("HasOptedOutOfEmail", "Email Opt Out", .boolean),
            .value("IsConverted", "Converted", .boolean),
            .text("CRMB_External_Id__c", "CRM Bridge External Id", length: 80, externalID: true, unique: true),
        ])

    static let opportunity = SalesforceObjectSchema(
        name: "Opportunity", label: "Opportunity", labelPlural: "Opportunities", keyPrefix: "006",
        fields: [
            .text("Name", "Name", length: 120, required: true),
            .value("AccountId", "Account ID", .reference(to: ["Account"])),
            .text("StageName", "Stage", .picklist, length: 255, required: true),
            .value("CloseDate", "Close Date", .date, required: true),
            .value("Amount", "Amount", .currency),
            .value("Probability", "Probability (%)", .percent),
            .text("CRMB_External_Id__c", "CRM Bridge External Id", length: 80, externalID: true, unique: true),
        ])

    /// The demo custom entity synchronised to Campaign.
    static let membership = SalesforceObjectSchema(
        name: "CRMB_Membership__c", label: "Membership", labelPlural: "Memberships", keyPrefix: "a01",
        fields: [
            .text("Name", "Membership Name", length: 80),
            .value("CRMB_Contact__c", "Contact", .reference(to: ["Contact"])),
            .text("CRMB_Level__c", "Level", .picklist, length: 255),
            .value("CRMB_Points__c", "Points", .double),
            .value("CRMB_Start_Date__c", "Start Date", .date),
            .value("CRMB_Active__c", "Active", .boolean),
            .text("CRMB_Membership_Number__c", "Membership Number", length: 40, externalID: true, unique: true),
        ])

    /// Email marketing events written by the campaign-to-crm workflow.
    static let emailEvent = SalesforceObjectSchema(
        name: "CRMB_Email_Event__c", label: "Email Event", labelPlural: "Email Events", keyPrefix: "a02",
        fields: [
            .text("Name", "Email Event Name", length: 80),
            .text("CRMB_Type__c", "Type", .picklist, length: 255, required: true),
            .value("CRMB_Contact__c", "Contact", .reference(to: ["Contact"])),
            .text("CRMB_Campaign_Name__c", "Campaign Name", length: 255),
            .text("CRMB_Delivery_Name__c", "Delivery Name", length: 255),
            .value("CRMB_Event_Date__c", "Event Date", .dateTime),
            .text("CRMB_URL__c", "URL", .url, length: 255),
            .text("CRMB_Mirror_URL__c", "Mirror Page URL", .url, length: 255),
            .text("CRMB_Event_Id__c", "Event Id", length: 40, externalID: true, unique: true),
        ])
}
