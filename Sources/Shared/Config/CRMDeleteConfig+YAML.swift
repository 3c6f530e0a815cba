import Yams

extension CRMDeleteConfig {
    static let yamlKeys = ["name", "source", "remoteObject", "keyColumn", "cursorColumn", "idColumn", "batchSize", "interval"]

    static func read(_ node: Node, at path: ConfigPath, crm: CRMKind, reader: ConfigReader) -> CRMDeleteConfig? {
        guard let yaml = reader.mapping(node, at: path, keys: yamlKeys) else {
            return nil
        }
        let name = yaml.identifier("name", .name, required: true)
        let source = ExportConfig.readSource(yaml)
        let remoteObject = yaml.identifier("remoteObject", .crmName, required: true)
        let keyColumn = yaml.identifier("keyColumn", .sqlColumn, required: true)
        let cursorColumn = yaml.identifier("cursorColumn", .sqlColumn)
        let idColumn = yaml.identifier("idColumn", .sqlColumn) ?? "id"
        let batchSize = yaml.int("batchSize", default: 100, range: crm.batchSizeRange)
        let interval = yaml.duration("interval", default: .seconds(60))
        guard let name, let source, let remoteObject, let keyColumn else {
            return nil
        }
        return CRMDeleteConfig(
            name: name, source: source, remoteObject: remoteObject, keyColumn: keyColumn,
            cursorColumn: cursorColumn, batchSize: batchSize, interval: interval, idColumn: idColumn)
    }
}
