import CoreValues
import Foundation

/// Deterministic demo rows: row `i` of a table is the same on every run for the same
/// random seed. Values are varied on purpose: names with quotes and non-ASCII letters,
/// missing emails, opt-out mixes, inactive rows, birthdates, `modifiedon` spread over
/// the two years before 2025-06-30.
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

    /// Adds `count` rows to a table, continuing after the rows seeded before.
    static func seed(_ set: String, count: Int, randomSeed: UInt64, in organization: inout DynamicsOrganization) {
        guard count > 0, let table = organization.tables[set] else { return }
        let entity = table.definition
        let start = table.seededCount
        var rows: [DynamicsRecord] = []
        var ids = Set<UUID>()
        rows.reserveCapacity(count)
        for index in start..<(start + count) {
            var random = DynamicsRandom(seed: randomSeed &* 0x9E37_79B9 ^ StableHash.fnv1a(set) &+ UInt64(index) &* 0xD1B5_4A32_D192_ED03)
            var record = DynamicsRecord(id: random.uuid(), version: 0, values: entity.fields.map(\.defaultValue))
            fill(&record, index: index, entity: entity, random: &random, organization: organization)
            guard table.record(id: record.id) == nil, ids.insert(record.id).inserted else { continue }
            record.version = organization.nextVersion()
            if let column = entity.versionNumberIndex { record[column] = .integer(Int(record.version)) }
            rows.append(record)
        }
        organization.tables[set]?.storeNew(rows)
        organization.tables[set]?.seededCount = start + count
    }

    private static func fill(
        _ record: inout DynamicsRecord, index: Int, entity: DynamicsEntityDefinition, random: inout DynamicsRandom,
        organization: DynamicsOrganization
    ) {
        let first = random.pick(firstNames)
        let last = random.pick(lastNames)
        let company = random.pick(companies)
        let created = anchor - Int64(random.int(0...(730 * 86_400))) * 1000
        let modified = created + Int64(random.int(0...Int((anchor - created) / 1000))) * 1000
        let inactive = random.chance(0.15)
        for (position, field) in entity.fields.enumerated() {
            let value: DynamicsValue
            switch (field.name, field.type) {
            case (entity.primaryKey, _): value = .guid(record.id)
            case ("firstname", _): value = .string(first)
            case ("lastname", _): value = .string(last)
            case ("fullname", _): value = .string("\(first) \(last)")
            case ("name", _), ("crmb_name", _), ("subject", _):
                value = .string("\(company) \(entity.logicalName == "account" ? "" : "\(entity.logicalName) ")#\(index + 1)")
            case ("companyname", _): value = .string(company)
            case ("accountnumber", _): value = .string(String(format: "AC-%06d", index + 1))
            case ("emailaddress1", _): value = random.chance(0.1) ? .null : .string("\(entity.logicalName).\(index + 1)@example.com")
            case ("telephone1", _): value = random.chance(0.2) ? .null : .string(String(format: "+1 555 %04d", random.int(0...9999)))
            case ("address1_city", _): value = .string(random.pick(cities))
            case ("donotbulkemail", _): value = .boolean(random.chance(0.25))
            case ("donotemail", _): value = .boolean(random.chance(0.1))
            case ("statecode", .picklist(_, let options)): value = .integer(inactive ? options.keys.sorted().dropFirst().first ?? 0 : 0)
            case ("statuscode", .picklist(_, let options)):
                let sorted = options.keys.sorted()
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
            case (_, .bigInt): value = .null  // versionnumber: set when the row is stored
            case (_, .picklist(_, let options)): value = .integer(random.pick(options.keys.sorted()))
            case (_, .lookup(let targets)): value = lookup(targets, random: &random, organization: organization)
            case (_, .string), (_, .memo): value = .string("\(field.name) \(index + 1)")
            case (_, .uniqueIdentifier): value = .guid(random.uuid())
            }
            record[position] = value
        }
    }

    /// Half the lookups point to an existing row of the first target table that has rows.
    private static func lookup(_ targets: [String], random: inout DynamicsRandom, organization: DynamicsOrganization) -> DynamicsValue {
        guard random.chance(0.5) else { return .null }
        for target in targets {
            guard let set = organization.setNames[target], let table = organization.tables[set], table.count > 0 else { continue }
            let row = table.records[Int(random.next() % UInt64(table.count))]
            return .lookup(DynamicsLookup(id: row.id, entity: target))
        }
        return .null
    }
}
