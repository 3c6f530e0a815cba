import CoreValues

/// Fills one seeded record's fields by name, per object.
struct SeededFields {
    let schema: SalesforceObjectSchema
    var record: SalesforceRecord

    private mutating func set(_ name: String, _ value: SalesforceValue) {
        guard let index = schema.index(of: name) else { return }
        record[index] = value
    }

    private mutating func set(_ name: String, _ text: String?) {
        set(name, text.map { .string($0) } ?? .null)
    }

    private var modified: Int64 { record.values[SalesforceObjectSchema.lastModifiedDateIndex].dateTimeValue ?? 0 }

    mutating func account(_ v: SalesforceSeedValues) {
        let (city, country) = v.pick(SalesforceSeedValues.cities, 10)
        set("Name", "\(v.pick(SalesforceSeedValues.companies, 11)) \(v.index + 1)")
        set("AccountNumber", "ACC-\(SalesforceSeedValues.padded(v.index + 1, width: 6))")
        set("Industry", v.pick(SalesforceSeedValues.industries, 12))
        set("Phone", v.chance(80, 13) ? "+1 555 \(SalesforceSeedValues.padded(v.draw(10_000, 14), width: 4))" : nil)
        set("Website", v.chance(70, 15) ? "https://www.example.com/\(v.index + 1)" : nil)
        set("BillingCity", city)
        set("BillingCountry", country)
        set("NumberOfEmployees", .integer(1 + v.draw(50_000, 16)))
        set("AnnualRevenue", .double(Double(v.draw(1_000_000, 17)) * 100))
        set("CRMB_External_Id__c", "A-\(SalesforceSeedValues.padded(v.index + 1, width: 6))")
    }

    mutating func contact(_ v: SalesforceSeedValues, accounts: [String]) {
        let (first, firstSlug) = v.pick(SalesforceSeedValues.firstNames, 20)
        let (last, lastSlug) = v.pick(SalesforceSeedValues.lastNames, 21)
        let (city, country) = v.pick(SalesforceSeedValues.cities, 22)
        set("FirstName", v.index % 37 == 5 ? nil : first)
        set("LastName", last)
        set("AccountId", accounts.isEmpty || v.chance(10, 23) ? nil : accounts[v.draw(accounts.count, 24)])
        set("Title", v.chance(60, 25) ? v.pick(SalesforceSeedValues.titles, 26) : nil)
        let domain = v.index % 13 == 0 ? "Example.COM" : "example.com"
        set("Email", v.index % 10 == 3 ? nil : "\(firstSlug).\(lastSlug).\(v.index + 1)@\(domain)")
        set("Phone", v.chance(70, 27) ? "+44 20 7946 \(SalesforceSeedValues.padded(v.draw(10_000, 28), width: 4))" : nil)
        set("MobilePhone", v.chance(40, 29) ? "+33 6 12 34 \(SalesforceSeedValues.padded(v.draw(10_000, 30), width: 4))" : nil)
        set("MailingCity", city)
        set("MailingCountry", country)
        set("Birthdate", v.chance(70, 31) ? .date(-8000 + v.draw(15_000, 32)) : .null)
        set("HasOptedOutOfEmail", .boolean(v.index % 7 == 0))
        set("DoNotCall", .boolean(v.chance(10, 33)))
        if v.index % 31 == 0 {
            set("EmailBouncedReason", v.pick(SalesforceSeedValues.bounceReasons, 34))
            set("EmailBouncedDate", .dateTime(modified - 86_400_000))
        }
        set("CRMB_External_Id__c", "C-\(SalesforceSeedValues.padded(v.index + 1, width: 6))")
    }

    mutating func lead(_ v: SalesforceSeedValues) {
        let (first, firstSlug) = v.pick(SalesforceSeedValues.firstNames, 40)
        let (last, lastSlug) = v.pick(SalesforceSeedValues.lastNames, 41)
        set("FirstName", first)
        set("LastName", last)
        set("Company", "\(v.pick(SalesforceSeedValues.companies, 42)) Prospect \(v.index + 1)")
        set("Email", v.index % 9 == 4 ? nil : "\(firstSlug).\(lastSlug).lead\(v.index + 1)@example.org")
        set("Status", v.pick(SalesforceSeedValues.leadStatuses, 43))
        set("LeadSource", v.pick(SalesforceSeedValues.leadSources, 44))
        set("HasOptedOutOfEmail", .boolean(v.index % 6 == 0))
        set("IsConverted", .boolean(false))
        set("CRMB_External_Id__c", "L-\(SalesforceSeedValues.padded(v.index + 1, width: 6))")
    }

    mutating func opportunity(_ v: SalesforceSeedValues, accounts: [String]) {
        set("Name", "Deal \(v.index + 1)")
        set("AccountId", accounts.isEmpty ? nil : accounts[v.draw(accounts.count, 50)])
        set("StageName", v.pick(SalesforceSeedValues.stages, 51))
        set("CloseDate", .date(CivilCalendar.days(of: modified) + v.draw(120, 52)))
        set("Amount", .double(Double(v.draw(500_000, 53)) * 10))
        set("Probability", .double(Double(v.draw(11, 54)) * 10))
        set("CRMB_External_Id__c", "O-\(SalesforceSeedValues.padded(v.index + 1, width: 6))")
    }

    mutating func membership(_ v: SalesforceSeedValues, contacts: [String]) {
        let number = "M-\(SalesforceSeedValues.padded(v.index + 1, width: 6))"
        set("Name", number)
        set("CRMB_Contact__c", contacts.isEmpty ? nil : contacts[v.draw(contacts.count, 60)])
        set("CRMB_Level__c", v.pick(SalesforceSeedValues.levels, 61))
        set("CRMB_Points__c", .double(Double(v.draw(100_000, 62)) / 10))
        set("CRMB_Start_Date__c", .date(CivilCalendar.days(of: modified) - v.draw(1000, 63)))
        set("CRMB_Active__c", .boolean(v.chance(85, 64)))
        set("CRMB_Membership_Number__c", number)
    }
}
