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
        let keys = ["enabled", "types", "hardBouncesOnly", "table", "interval", "batchSize", "horizonWarningAfter"]
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
            batchSize: events.int("batchSize", default: 100, range: crm.batchSizeRange),
            horizonWarningAfter: events.duration("horizonWarningAfter", default: .seconds(300)))
    }
}
