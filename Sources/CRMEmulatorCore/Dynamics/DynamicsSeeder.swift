import CoreValues
import Foundation

/// Deterministic demo rows: row `i` of a table is a pure function of the random seed, the
/// table and `i`, so seeded rows are generated when read rather than stored
/// (`DynamicsSeedBase`). Values are varied on purpose: names with quotes and non-ASCII
/// letters, missing emails, opt-out mixes, inactive rows, birthdates, `modifiedon` spread
/// over the two years before 2025-06-30.
enum DynamicsSeeder {
    static let firstNames = [
        "Anna", "José", "Zoë", "Søren", "Łukasz", "Chloé", "Mary-Jane", "Jean \"JJ\"", "李", "Renée",
        "Ahmed", "Ólafur", "Amélie", "Björn", "Siobhán", "Tom", "Priya", "Nguyễn Văn", "Émile", "Kateřina",
    ]
    static let lastNames = [
        "O'Bryan", "D'Angelo", "Müller", "García", "Smith", "Nguyễn", "Ødegaard", "Dvořák", "van der Berg",
        "Al-Fulan", "Ng", "Brontë", "Černý", "O'Connor", "Zhang 张", "Johnson", "Kowalski", "Łęcka", "Dupont", "Šimić",
    ]
    static let companies = ["Contoso", "Fabrikam & Sons", "O'Reilly Media", "Ünïcode GmbH", "Adventure Works", "Northwind \"NW\" Traders", "Tailspin Toys", "Wide World Importers"]
    static let cities = ["Paris", "München", "São Paulo", "Zürich", "Kraków", "Seattle", "Québec", "Reykjavík"]

    /// 2025-06-30T00:00:00Z: seeded `modifiedon` values lie before it.
    static let anchor: Int64 = Int64(CivilCalendar.days(year: 2025, month: 6, day: 30)) * CivilCalendar.millisecondsPerDay

    /// String columns with a value of their own below; every other string column of a
    /// seeded row is `"<column> <i + 1>"` (which `DynamicsSeedBase` inverts for
    /// alternate keys).
    static let namedStringColumns: Set<String> = [
        "firstname", "lastname", "fullname", "name", "crmb_name", "subject", "companyname", "accountnumber",
        "emailaddress1", "telephone1", "address1_city",
    ]

    /// Adds `count` rows to a table, continuing after the rows seeded before. Nothing is
    /// generated here: the table records a segment (first index, first version, the
    /// lookup targets of the moment) and rows are produced when read.
    static func seed(_ set: String, count: Int, randomSeed: UInt64, in organization: inout DynamicsOrganization) {
        guard count > 0, let entity = organization.tables[set]?.definition else { return }
        var lookups: [Int: DynamicsSeedBase.LookupTarget] = [:]
        for (position, field) in entity.fields.enumerated() {
            guard case .lookup(let targets) = field.type else { continue }
            for target in targets {
                guard let targetSet = organization.setNames[target], let seeded = organization.tables[targetSet]?.seededCount, seeded > 0 else { continue }
                lookups[position] = DynamicsSeedBase.LookupTarget(set: targetSet, entity: target, count: seeded)
                break
            }
        }
        let firstVersion = organization.version + 1
        organization.version += Int64(count)
        organization.tables[set]?.seed(count: count, firstVersion: firstVersion, lookups: lookups)
    }

    /// The `createdon` and `modifiedon` of seeded row `index`, without building the row:
    /// the draws that precede them are taken and dropped (the order of `fill`).
    static func timestamps(random: inout DynamicsRandom) -> (created: Int64, modified: Int64) {
        _ = random.next(); _ = random.next()  // the id
        _ = random.next(); _ = random.next(); _ = random.next()  // first, last, company
        let created = anchor - Int64(random.int(0...(730 * 86_400))) * 1000
        let modified = created + Int64(random.int(0...Int((anchor - created) / 1000))) * 1000
        return (created, modified)
    }

    /// Each column's picklist values in order (empty for other columns), computed once.
    static func sortedOptions(_ entity: DynamicsEntityDefinition) -> [[Int]] {
        entity.fields.map { field in
            if case .picklist(_, let options) = field.type { return options.keys.sorted() }
            return []
        }
    }

    /// Fills every column of seeded row `index`; `random` has drawn the id already.
    static func fill(
        _ record: inout DynamicsRecord, index: Int, entity: DynamicsEntityDefinition, sortedOptions: [[Int]],
        random: inout DynamicsRandom, lookup: (Int, inout DynamicsRandom) -> DynamicsValue
    ) {
        let first = random.pick(firstNames)
        let last = random.pick(lastNames)
        let company = random.pick(companies)
        let created = anchor - Int64(random.int(0...(730 * 86_400))) * 1000
        let modified = created + Int64(random.int(0...Int((anchor - created) / 1000))) * 1000
        let inactive = random.chance(0.15)
        let number = index + 1
        for (position, field) in entity.fields.enumerated() {
            let value: DynamicsValue
            switch (field.name, field.type) {
            case (entity.primaryKey, _): value = .guid(record.id)
            case ("firstname", _): value = .string(first)
            case ("lastname", _): value = .string(last)
            case ("fullname", _): value = .string(first + " " + last)
            case ("name", _), ("crmb_name", _), ("subject", _):
                value = .string(company + " " + (entity.logicalName == "account" ? "" : entity.logicalName + " ") + "#\(number)")
            case ("companyname", _): value = .string(company)
            case ("accountnumber", _): value = .string("AC-" + padded(number, width: 6))
            case ("emailaddress1", _): value = random.chance(0.1) ? .null : .string("\(entity.logicalName).\(number)@example.com")
            case ("telephone1", _): value = random.chance(0.2) ? .null : .string("+1 555 " + padded(random.int(0...9999), width: 4))
            case ("address1_city", _): value = .string(random.pick(cities))
            case ("donotbulkemail", _): value = .boolean(random.chance(0.25))
            case ("donotemail", _): value = .boolean(random.chance(0.1))
            case ("statecode", .picklist): value = .integer(inactive ? sortedOptions[position].dropFirst().first ?? 0 : 0)
            case ("statuscode", .picklist):
                let sorted = sortedOptions[position]
                value = .integer(inactive && sorted.count > 1 ? sorted[1] : sorted[0])
            case ("createdon", _): value = .dateTime(created)
            case ("modifiedon", _): value = .dateTime(modified)
            case ("birthdate", _):
                value = random.chance(0.3) ? .null : .date(Int32(CivilCalendar.days(year: 1950, month: 1, day: 1) + random.int(0...(55 * 365))))
            case (_, .dateOnly): value = .date(Int32(created / 86_400_000) + Int32(random.int(0...365)))
            case (_, .dateTime): value = .dateTime(created)
            case (_, .boolean): value = .boolean(random.chance(0.5))
            case (_, .money), (_, .decimal): value = .decimal(Double(random.int(0...10_000_000)) / 100)
            case (_, .integer): value = .integer(random.int(0...1000))
            case (_, .bigInt): value = .null  // versionnumber: set from the row's version
            case (_, .picklist): value = .integer(random.pick(sortedOptions[position]))
            case (_, .lookup): value = random.chance(0.5) ? lookup(position, &random) : .null
            case (_, .string), (_, .memo): value = .string(numberedValue(field.name, number))
            case (_, .uniqueIdentifier): value = .guid(random.uuid())
            }
            record[position] = value
        }
    }

    /// The value of a numbered string column (`"<column> <n>"`).
    static func numberedValue(_ column: String, _ number: Int) -> String { column + " \(number)" }

    /// `number` in decimal, zero-padded to `width` digits (what `%0Nd` gives, without
    /// Foundation's formatter, which costs more than the rest of a row).
    static func padded(_ number: Int, width: Int) -> String {
        let digits = String(number)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
