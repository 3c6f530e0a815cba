import Mapping
import Yams

extension EntityConfig {
    static let yamlKeys = [
        "name", "remoteObject", "remoteId", "lastModified", "table", "idColumn", "modifiedColumn", "fields",
        "filter", "allowStringComparisons", "orderBy", "deletes", "population", "pageSize", "interval", "lookBack",
    ]

    /// Reads one entity; `nil` when a required part is missing (already reported).
    static func read(_ node: Node, at path: ConfigPath, crm: CRMKind, reader: ConfigReader) -> EntityConfig? {
        guard let yaml = reader.mapping(node, at: path, keys: yamlKeys) else {
            return nil
        }
        let name = yaml.identifier("name", .name, required: true)
        let isContact = name == "contact"
        let remoteObject: String?
        if yaml.has("remoteObject") || !isContact {
            remoteObject = yaml.identifier("remoteObject", .crmName, required: true)
        } else {
            remoteObject = crm.contactObject
        }
        let remoteIdField = yaml.identifier("remoteId", .crmName)
            ?? crm.defaultRemoteIdField(entity: name ?? "")
        let lastModifiedField = yaml.identifier("lastModified", .crmName) ?? crm.defaultLastModifiedField
        let table: String?
        if yaml.has("table") || !isContact {
            table = yaml.identifier("table", .sqlTable, required: true)
        } else {
            table = "profiles"
        }
        let idColumn = yaml.identifier("idColumn", .sqlColumn) ?? "crm_id"
        let modifiedColumn = yaml.identifier("modifiedColumn", .sqlColumn) ?? "crm_modified_at"
        let allowStrings = yaml.bool("allowStringComparisons", default: false)
        let deletes = readDeletes(yaml)
        for key in ["idColumn", "modifiedColumn"] {
            if let problem = optOutColumnProblem(table: table, column: key == "idColumn" ? idColumn : modifiedColumn) {
                yaml.report(key, problem)
            }
        }
        if let problem = optOutColumnProblem(table: table, column: deletes.softDeleteColumn) {
            yaml.report("deletes", problem)
        }
        let fields = readFields(yaml, crm: crm, table: table, reserved: [
            (idColumn, "the idColumn"), (modifiedColumn, "the modifiedColumn"),
            (deletes.softDeleteColumn ?? "", "the deletes.softDeleteColumn"),
        ])
        let filter = readFilter(yaml, allowStrings: allowStrings)
        let orderBy = readOrderBy(yaml)
        let population = readPopulation(yaml)
        let range = crm.pageSizeRange
        let pageSize = yaml.int("pageSize", default: min(2000, range.upperBound), range: range)
        let interval = yaml.duration("interval", default: .seconds(30))
        let lookBack = yaml.duration("lookBack", default: .seconds(5), allowZero: true)
        if idColumn == modifiedColumn {
            yaml.report("modifiedColumn", "must differ from idColumn \"\(idColumn)\"")
        }
        guard let name, let remoteObject, let table else {
            return nil
        }
        return EntityConfig(
            name: name, remoteObject: remoteObject, remoteIdField: remoteIdField,
            lastModifiedField: lastModifiedField, table: table, idColumn: idColumn, modifiedColumn: modifiedColumn,
            fields: fields, filter: filter, allowStringComparisons: allowStrings, orderBy: orderBy,
            deletes: deletes, population: population, pageSize: pageSize, interval: interval, lookBack: lookBack)
    }

    private static func readFields(
        _ yaml: YAMLMapping, crm: CRMKind, table: String?, reserved: [(column: String, role: String)]
    ) -> [FieldMapping] {
        var fields: [FieldMapping] = []
        var columns: [String: String] = [:]
        for (column, role) in reserved where !column.isEmpty {
            columns[column] = role
        }
        for (path, node) in yaml.sequence("fields") {
            guard let field = yaml.reader.mapping(
                node, at: path, keys: ["remote", "column", "conversion", "applyUpdates", "replacements"]) else {
                continue
            }
            let remote = field.identifier("remote", .crmReadField, required: true)
            let column = field.identifier("column", .sqlColumn, required: true)
            let conversion: FieldConversion = field.choice("conversion", "conversion", default: .default) ?? .default
            let applyUpdates = field.bool("applyUpdates", default: true)
            let replacements = readReplacements(field)
            if let problem = optOutColumnProblem(table: table, column: column) {
                field.report("column", problem)
            }
            if let column {
                if let owner = columns[column] {
                    field.report("column", "column \"\(column)\" is already written by \(owner)")
                }
                columns[column] = "\(path.description.split(separator: ".").last ?? "")"
            }
            if let remote, let column {
                fields.append(FieldMapping(
                    remote: remote, column: column, conversion: conversion, applyUpdates: applyUpdates,
                    replacements: replacements))
            }
        }
        return fields
    }

    static func readReplacements(_ field: YAMLMapping) -> [ReplacementRule] {
        var rules: [ReplacementRule] = []
        for (path, node) in field.sequence("replacements") {
            guard let rule = field.reader.mapping(node, at: path, keys: ["from", "to"]) else {
                continue
            }
            var complete = true
            for key in ["from", "to"] where rule.values[key] == nil {
                rule.reportMissing(key, " (write null for an empty value)")
                complete = false
            }
            let from = rule.string("from")
            let to = rule.string("to")
            if complete {
                rules.append(ReplacementRule(from: from, to: to))
            }
        }
        return rules
    }

    private static func readFilter(_ yaml: YAMLMapping, allowStrings: Bool) -> FilterExpression? {
        guard let text = yaml.string("filter"),
              !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return nil
        }
        switch FilterExpression.parse(text, allowStringComparisons: allowStrings) {
        case .success(let filter):
            return filter
        case .failure(let error):
            for problem in error.problems {
                yaml.report("filter", "breaks rule \(problem.description)")
            }
            return nil
        }
    }

    private static func readOrderBy(_ yaml: YAMLMapping) -> [OrderBy] {
        guard let text = yaml.string("orderBy"),
              !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return []
        }
        var items: [OrderBy] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let words = part.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            let direction = words.count == 2 ? words[1].lowercased() : "asc"
            guard (1...2).contains(words.count), direction == "asc" || direction == "desc",
                  IdentifierRule.crmName.problem(with: words[0]) == nil else {
                yaml.report("orderBy", "\"\(part.trimmingCharacters(in: .whitespaces))\" is not "
                    + "\"field\", \"field asc\" or \"field desc\" (separate several with commas)")
                return []
            }
            items.append(OrderBy(field: words[0], descending: direction == "desc"))
        }
        return items
    }

    private static func readDeletes(_ yaml: YAMLMapping) -> Deletes {
        guard let deletes = yaml.mapping("deletes", keys: ["enabled", "softDeleteColumn", "deleteWhenFilteredOut"])
        else {
            return Deletes()
        }
        return Deletes(
            enabled: deletes.bool("enabled", default: false),
            softDeleteColumn: deletes.identifier("softDeleteColumn", .sqlColumn),
            deleteWhenFilteredOut: deletes.bool("deleteWhenFilteredOut", default: false))
    }

    private static func readPopulation(_ yaml: YAMLMapping) -> Population? {
        guard let population = yaml.mapping("population", keys: ["sql", "file"]) else {
            return nil
        }
        let sql = population.nonEmptyString("sql")
        let file = population.nonEmptyString("file")
        switch (sql, file) {
        case (let sql?, nil):
            return .sql(sql)
        case (nil, let file?):
            if let problem = PopulationsConfig.problem(with: file) {
                population.report("file", PopulationFileError(file: file, reason: problem).description)
                return nil
            }
            return .file(file)
        case (.some, .some):
            yaml.report("population", "set either sql or file, not both")
        case (nil, nil):
            if !population.has("sql") && !population.has("file") {
                yaml.report("population", "set sql (a query returning CRM ids) or file (one id per line)")
            }
        }
        return nil
    }
}
