import Yams

extension OptInOutConfig {
    static let yamlKeys = [
        "mode", "crmObject", "crmIdField", "crmField", "crmModifiedField", "campaignTable", "campaignIdColumn",
        "campaignColumn", "campaignModifiedColumn", "interval", "lookBack",
    ]

    static func read(_ node: Node?, at path: ConfigPath, crm: CRMKind, reader: ConfigReader) -> OptInOutConfig {
        let defaults = OptInOutConfig.defaults(for: crm)
        guard let node, !node.isNullScalar, let yaml = reader.mapping(node, at: path, keys: yamlKeys) else {
            return defaults
        }
        return OptInOutConfig(
            mode: yaml.choice("mode", "mode", default: defaults.mode) ?? defaults.mode,
            crmObject: yaml.identifier("crmObject", .crmName) ?? defaults.crmObject,
            crmIdField: yaml.identifier("crmIdField", .crmName) ?? defaults.crmIdField,
            crmField: yaml.identifier("crmField", .crmName) ?? defaults.crmField,
            crmModifiedField: yaml.identifier("crmModifiedField", .crmName) ?? defaults.crmModifiedField,
            campaignTable: yaml.identifier("campaignTable", .sqlTable) ?? defaults.campaignTable,
            campaignIdColumn: yaml.identifier("campaignIdColumn", .sqlColumn) ?? defaults.campaignIdColumn,
            campaignColumn: yaml.identifier("campaignColumn", .sqlColumn) ?? defaults.campaignColumn,
            campaignModifiedColumn: yaml.identifier("campaignModifiedColumn", .sqlColumn)
                ?? defaults.campaignModifiedColumn,
            interval: yaml.duration("interval", default: defaults.interval),
            lookBack: yaml.duration("lookBack", default: defaults.lookBack, allowZero: true))
    }
}
