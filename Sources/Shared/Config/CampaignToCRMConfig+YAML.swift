import Yams

extension CampaignToCRMConfig {
    /// Names taken by the workflow's own topics (`email-events`, `rejects`).
    static let reservedNames: Set<String> = ["email-events", "rejects"]

    static func read(_ node: Node?, at path: ConfigPath, crm: CRMKind, reader: ConfigReader) -> CampaignToCRMConfig {
        guard let node, !node.isNullScalar,
              let yaml = reader.mapping(node, at: path, keys: ["emailEvents", "exports", "deletes"]) else {
            return CampaignToCRMConfig()
        }
        let emailEvents = readEmailEvents(yaml, crm: crm)
        var names: [String: ConfigPath] = [:]
        func claim(_ name: String, _ itemPath: ConfigPath, _ item: Node) -> Bool {
            if reservedNames.contains(name) {
                reader.report(itemPath.key("name"), item, "\"\(name)\" is reserved for the workflow's own topic")
                return false
            }
            if let first = names[name] {
                reader.report(itemPath.key("name"), item, "\"\(name)\" is already used at \(first)")
                return false
            }
            names[name] = itemPath
            return true
        }
        var exports: [ExportConfig] = []
        for (itemPath, item) in yaml.sequence("exports") {
            if let export = ExportConfig.read(item, at: itemPath, crm: crm, reader: reader),
               claim(export.name, itemPath, item) {
                exports.append(export)
            }
        }
        var deletes: [CRMDeleteConfig] = []
        for (itemPath, item) in yaml.sequence("deletes") {
            if let delete = CRMDeleteConfig.read(item, at: itemPath, crm: crm, reader: reader),
               claim(delete.name, itemPath, item) {
                deletes.append(delete)
            }
        }
        return CampaignToCRMConfig(emailEvents: emailEvents, exports: exports, deletes: deletes)
    }

    private static func readEmailEvents(_ yaml: YAMLMapping, crm: CRMKind) -> EmailEvents {
        let keys = ["enabled", "types", "hardBouncesOnly", "table", "interval", "batchSize"]
        guard let events = yaml.mapping("emailEvents", keys: keys) else {
            return EmailEvents()
        }
        var types = EmailEvents.Types()
        if let typesYAML = events.mapping("types", keys: ["send", "open", "click", "bounce"]) {
            types = EmailEvents.Types(
                send: typesYAML.bool("send", default: true), open: typesYAML.bool("open", default: true),
                click: typesYAML.bool("click", default: true), bounce: typesYAML.bool("bounce", default: true))
        }
        return EmailEvents(
            enabled: events.bool("enabled", default: false), types: types,
            hardBouncesOnly: events.bool("hardBouncesOnly", default: true),
            table: events.identifier("table", .sqlTable) ?? "email_events",
            interval: events.duration("interval", default: .seconds(10)),
            batchSize: events.int("batchSize", default: 100, range: crm.batchSizeRange))
    }
}

extension ExportConfig {
    static let yamlKeys = [
        "name", "source", "remoteObject", "key", "mode", "fields", "cursorColumn", "batchSize", "interval",
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
            }
        } else if let mode, mode != .insert, !yaml.has("key") {
            yaml.reportMissing("key", " (mode \(mode.rawValue) needs the CRM key: {column, remote})")
        }
        var fields: [Field] = []
        var remotes: Set<String> = []
        for (fieldPath, fieldNode) in yaml.sequence("fields") {
            guard let field = reader.mapping(fieldNode, at: fieldPath, keys: ["column", "remote"]) else {
                continue
            }
            let column = field.identifier("column", .sqlColumn, required: true)
            let remote = field.identifier("remote", .crmName, required: true)
            if let remote, !remotes.insert(remote).inserted {
                field.report("remote", "CRM field \"\(remote)\" is already written by another field")
            }
            if let column, let remote {
                fields.append(Field(column: column, remote: remote))
            }
        }
        if !yaml.has("fields") {
            yaml.reportMissing("fields", " (the columns to write: [{column, remote}])")
        }
        let cursorColumn = yaml.identifier("cursorColumn", .sqlColumn)
        let batchSize = yaml.int("batchSize", default: 100, range: crm.batchSizeRange)
        let interval = yaml.duration("interval", default: .seconds(60))
        guard let name, let source, let remoteObject, let mode else {
            return nil
        }
        return ExportConfig(
            name: name, source: source, remoteObject: remoteObject, key: key, mode: mode, fields: fields,
            cursorColumn: cursorColumn, batchSize: batchSize, interval: interval)
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

extension CRMDeleteConfig {
    static let yamlKeys = ["name", "source", "remoteObject", "keyColumn", "cursorColumn", "batchSize", "interval"]

    static func read(_ node: Node, at path: ConfigPath, crm: CRMKind, reader: ConfigReader) -> CRMDeleteConfig? {
        guard let yaml = reader.mapping(node, at: path, keys: yamlKeys) else {
            return nil
        }
        let name = yaml.identifier("name", .name, required: true)
        let source = ExportConfig.readSource(yaml)
        let remoteObject = yaml.identifier("remoteObject", .crmName, required: true)
        let keyColumn = yaml.identifier("keyColumn", .sqlColumn, required: true)
        let cursorColumn = yaml.identifier("cursorColumn", .sqlColumn)
        let batchSize = yaml.int("batchSize", default: 100, range: crm.batchSizeRange)
        let interval = yaml.duration("interval", default: .seconds(60))
        guard let name, let source, let remoteObject, let keyColumn else {
            return nil
        }
        return CRMDeleteConfig(
            name: name, source: source, remoteObject: remoteObject, keyColumn: keyColumn,
            cursorColumn: cursorColumn, batchSize: batchSize, interval: interval)
    }
}
