import Foundation
import Yams

extension CRMBridgeConfig {
    static let yamlKeys = ["instance", "connections", "workflows", "populations"]

    /// Reads and validates `crmbridge.yaml`; every problem is reported at once.
    public static func load(
        path: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> CRMBridgeConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "is not readable UTF-8 text" : "does not exist"
            throw ConfigError([ConfigProblem(path: "", line: nil, message: "the configuration file \(path) \(reason)")])
        }
        return try parse(yaml: text, environment: environment)
    }

    /// Parses and validates configuration text; problem lines are lines of `yaml`.
    public static func parse(
        yaml: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> CRMBridgeConfig {
        let reader = ConfigReader()
        let (root, isEmpty) = YAMLDocument.compose(yaml, reader: reader)
        if isEmpty {
            reader.report(.root, line: nil, "the configuration is empty (expected instance, connections, workflows)")
        }
        guard let root, let top = reader.mapping(root, at: .root, keys: yamlKeys) else {
            throw ConfigError(reader.problems)
        }
        let instance = top.identifier("instance", .name, required: true)
        let connectionsYAML = top.mapping("connections", keys: ["campaign", "kafka", "crm"])
        if !top.has("connections") {
            top.reportMissing("connections", " (campaign, kafka, crm)")
        }
        let (connections, kind) = ConnectionsConfig.read(
            connectionsYAML, at: .root.key("connections"), environment: environment, reader: reader)
        let workflowsPath = ConfigPath.root.key("workflows")
        let workflows = top.mapping("workflows", keys: WorkflowName.allCases.map(\.rawValue))
        var sections: [WorkflowName: String] = [:]
        var configs: [WorkflowName: WorkflowConfig] = [:]
        for name in WorkflowName.allCases {
            let node = workflows?.value(name.rawValue)
            sections[name] = YAMLDocument.text(of: node)
            configs[name] = WorkflowConfig.read(
                node, workflow: name, at: workflowsPath.key(name.rawValue), crm: kind, reader: reader)
        }
        let populations = PopulationsConfig.read(top.mapping("populations", keys: PopulationsConfig.yamlKeys))
        guard reader.problems.isEmpty, let instance, let connections else {
            throw ConfigError(reader.problems)
        }
        var config = CRMBridgeConfig(
            instance: instance, connections: connections, workflowYAML: sections, populations: populations)
        for workflow in configs.values {
            config.apply(workflow)
        }
        return config
    }
}
