/// Seeds the demo org deterministically: varied names (quotes, unicode), null
/// emails, an opt-out mix, bounces, lookups between objects, modification
/// stamps spread over the 20 days before the anchor with some exact ties,
/// `SystemModstamp` ahead of `LastModifiedDate` on a few rows, and 2% of rows
/// already deleted (for `queryAll` and `getDeleted`).
enum SalesforceSeeder {
    static let seededObjects = ["Account", "Contact", "CRMB_Membership__c", "Lead", "Opportunity"]

    /// `count` Accounts, Contacts and Memberships, a quarter as many Leads and Opportunities.
    static func seedDemo(count: Int, into org: inout SalesforceOrg, anchor: Int64) {
        guard count > 0 else { return }
        seed(.account, count: count, into: &org, anchor: anchor)
        seed(.contact, count: count, into: &org, anchor: anchor)
        seed(.membership, count: count, into: &org, anchor: anchor)
        seed(.lead, count: max(1, count / 4), into: &org, anchor: anchor)
        seed(.opportunity, count: max(1, count / 4), into: &org, anchor: anchor)
    }

    /// Adds `count` records to `schema`, continuing the object's seed sequence.
    static func seed(_ schema: SalesforceObjectSchema, count: Int, into org: inout SalesforceOrg, anchor: Int64) {
        let first = org.seeded[schema.name] ?? 0
        let accounts = liveIDs(org, .account)
        let contacts = liveIDs(org, .contact)
        for index in first..<(first + count) {
            let values = SalesforceSeedValues(index: index, salt: StableHash.fnv1a(schema.keyPrefix))
            var record = SalesforceRecord(id: org.nextID(for: schema), schema: schema, now: anchor)
            stamp(&record, values: values, anchor: anchor)
            var fields = SeededFields(schema: schema, record: record)
            switch schema.name {
            case "Account": fields.account(values)
            case "Contact": fields.contact(values, accounts: accounts)
            case "Lead": fields.lead(values)
            case "Opportunity": fields.opportunity(values, accounts: accounts)
            default: fields.membership(values, contacts: contacts)
            }
            record = fields.record
            record.deriveFields(schema: schema)
            org.store(record, schema: schema)
        }
        org.seeded[schema.name] = first + count
    }

    private static func liveIDs(_ org: SalesforceOrg, _ schema: SalesforceObjectSchema) -> [String] {
        org.table(for: schema).records.filter { !$0.isDeleted }.map(\.id)
    }

    private static func stamp(_ record: inout SalesforceRecord, values: SalesforceSeedValues, anchor: Int64) {
        // Every tenth row shares the previous row's stamp: equal timestamps across ids.
        let stampValues = values.index % 10 == 9 ? SalesforceSeedValues(index: values.index - 1, salt: values.salt) : values
        let modified = anchor - Int64(stampValues.draw(20 * 86_400, 1)) * 1000
        let created = modified - Int64(values.draw(200 * 86_400, 2)) * 1000
        let automated = values.index % 20 == 7 ? Int64(1 + values.draw(3600, 3)) * 1000 : 0
        record[SalesforceObjectSchema.createdDateIndex] = .dateTime(created)
        record[SalesforceObjectSchema.lastModifiedDateIndex] = .dateTime(modified)
        record[SalesforceObjectSchema.systemModstampIndex] = .dateTime(min(anchor, modified + automated))
        if values.index % 50 == 25 {
            let deleted = anchor - Int64(values.draw(10 * 86_400, 4)) * 1000
            record.deletedDate = deleted
            record[SalesforceObjectSchema.isDeletedIndex] = .boolean(true)
            record[SalesforceObjectSchema.lastModifiedDateIndex] = .dateTime(deleted)
            record[SalesforceObjectSchema.systemModstampIndex] = .dateTime(deleted)
        }
    }
}
