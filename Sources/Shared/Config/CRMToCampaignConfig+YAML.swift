import Yams

extension CRMToCampaignConfig {
    static func read(_ node: Node?, at path: ConfigPath, crm: CRMKind, reader: ConfigReader) -> CRMToCampaignConfig {
        guard let node, !node.isNullScalar, let yaml = reader.mapping(node, at: path, keys: ["entities", "maxBacklog"]) else {
            return CRMToCampaignConfig()
        }
        var entities: [EntityConfig] = []
        var seen: [String: ConfigPath] = [:]
        for (itemPath, item) in yaml.sequence("entities") {
            guard let entity = EntityConfig.read(item, at: itemPath, crm: crm, reader: reader) else {
                continue
            }
            if let first = seen[entity.name] {
                reader.report(itemPath.key("name"), item, "entity \"\(entity.name)\" is already defined at \(first)")
                continue
            }
            seen[entity.name] = itemPath
            entities.append(entity)
        }
        let maxBacklog = yaml.int("maxBacklog", default: defaultMaxBacklog, range: 0...1_000_000_000)
        return CRMToCampaignConfig(entities: entities, maxBacklog: maxBacklog)
    }
}
