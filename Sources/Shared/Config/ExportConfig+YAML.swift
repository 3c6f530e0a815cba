import Mapping
import Yams

extension ExportConfig {
    static let yamlKeys = [
        "name", "source", "remoteObject", "key", "mode", "fields", "cursorColumn", "idColumn", "batchSize", "interval",
        "acceptDuplicates",
    ]

    static func read(_ node: Node, at path: ConfigPath, crm: CRMKind, reader: ConfigReader) -> ExportConfig? {
        guard let yaml = reader.mapping(node, at: path, keys: yamlKeys) else {
            return nil
        }
        let name = yaml.identifier("name", .name, required: true)
        let source = readSource(yaml)
        let remoteObject = yaml.identifier("remoteObject", .crmName, required: true)
        let mode: Mode? = yaml.choice("mode", "mode")
        var key: Key?
        if let keyYAML = yaml.mapping("key", keys: ["column", "remote", "alternate"]) {
            let column = keyYAML.identifier("column", .sqlColumn, required: true)
            let remote = keyYAML.identifier("remote", .crmName, required: true)
            let alternate = keyYAML.bool("alternate", default: false)
            if let column, let remote {
                key = Key(column: column, remote: remote, alternate: alternate)
                if crm == .salesforce, mode == .upsert, !alternate {
                    keyYAML.report("alternate", "Salesforce upserts only by an external id field: set alternate: true with one, or use mode: update to write by Id")
                }
            }
        } else if let mode, mode != .insert, !yaml.has("key") {
            yaml.reportMissing("key", " (mode \(mode.rawValue) needs the CRM key: {column, remote})")
        }
        var fields: [Field] = []
        var remotes: Set<String> = []
        for (fieldPath, fieldNode) in yaml.sequence("fields") {
            guard let field = reader.mapping(
                fieldNode, at: fieldPath, keys: ["column", "remote", "replacements", "conversion", "lookup"]) else {
                continue
            }
            let column = field.identifier("column", .sqlColumn, required: true)
            let remote = field.identifier("remote", .crmName, required: true)
            if let remote, !remotes.insert(remote).inserted {
                field.report("remote", "CRM field \"\(remote)\" is already written by another field")
            }
            let replacements = EntityConfig.readReplacements(field)
            let conversion: CRMValueConversion = field.choice("conversion", "conversion", default: .default) ?? .default
            var lookup: Lookup?
            if let lookupYAML = field.mapping("lookup", keys: ["target"]) {
                if let target = lookupYAML.identifier("target", .crmName, required: true) {
                    lookup = Lookup(target: target)
                }
                if field.has("conversion") {
                    field.report("conversion", "a lookup sends the linked record's key as it is: drop conversion")
                }
            }
            if let column, let remote {
                fields.append(Field(column: column, remote: remote, replacements: replacements, conversion: conversion, lookup: lookup))
            }
        }
        if !yaml.has("fields") {
            yaml.reportMissing("fields", " (the columns to write: [{column, remote}])")
        }
        let cursorColumn = yaml.identifier("cursorColumn", .sqlColumn)
        let idColumn = yaml.identifier("idColumn", .sqlColumn) ?? "id"
        let batchSize = yaml.int("batchSize", default: 100, range: crm.batchSizeRange)
        let interval = yaml.duration("interval", default: .seconds(60))
        let acceptDuplicates = yaml.bool("acceptDuplicates", default: false)
        if crm == .salesforce, mode == .insert, !acceptDuplicates {
            // docs/campaign-to-crm.md, "Salesforce inserts": no idempotent insert exists there.
            yaml.report("mode", "Salesforce has no idempotent insert: a row sent again (after a crash between Salesforce's answer and the offset commit, or changed later) would become a second record. Upsert by an External ID field instead (mode: upsert, key: {column: \(idColumn), remote: <External ID field>, alternate: true}), or set acceptDuplicates: true to insert anyway")
        }
        guard let name, let source, let remoteObject, let mode else {
            return nil
        }
        return ExportConfig(
            name: name, source: source, remoteObject: remoteObject, key: key, mode: mode, fields: fields,
            cursorColumn: cursorColumn, batchSize: batchSize, interval: interval, idColumn: idColumn,
            acceptDuplicates: acceptDuplicates)
    }

    /// `source: {table: name}` or `source: {query: "select …"}`.
    static func readSource(_ yaml: YAMLMapping) -> Source? {
        guard yaml.has("source") else {
            yaml.reportMissing("source", " ({table: name} or {query: \"select …\"})")
            return nil
        }
        guard let source = yaml.mapping("source", keys: ["table", "query"]) else {
            return nil
        }
        let table = source.identifier("table", .sqlTable)
        let query = source.nonEmptyString("query")
        switch (table, query) {
        case (let table?, nil): return .table(table)
        case (nil, let query?): return .query(query)
        case (.some, .some): yaml.report("source", "set either table or query, not both")
        case (nil, nil):
            if !source.has("table") && !source.has("query") {
                yaml.report("source", "set table (a table name) or query (a SELECT)")
            }
        }
        return nil
    }
}
