import ArgumentParser
import Config
import CoreValues
import Foundation
import Logging
import WorkflowRuntime

/// `ControlService serve`: reads crmbridge.yaml and the environment, prepares the
/// database, and serves until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the control API and the Workflows page.",
        discussion: """
            Environment: CRMBRIDGE_CONFIG (path of crmbridge.yaml, default ./crmbridge.yaml), \
            CRMBRIDGE_API_TOKEN (required), CAMPAIGN_DATABASE_URL and KAFKA_BOOTSTRAP_SERVERS \
            (unless crmbridge.yaml names other variables), CRMBRIDGE_LOCAL_BROKER=1 for the local \
            mock broker.
            """)

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8080
    @Option(help: "Path of crmbridge.yaml (default: $CRMBRIDGE_CONFIG, else ./crmbridge.yaml).") var config: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel = "info"
    @Option(help: "Drop an instance from the roles list after this long without a heartbeat (its counters stay in /metrics), e.g. 2m.")
    var forgetInstancesAfter = "2m"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown log level \"\(logLevel)\"") }
        guard case .success = DurationText.parse(forgetInstancesAfter) else {
            throw ValidationError("--forget-instances-after must be a duration like 90s or 2m, not \"\(forgetInstancesAfter)\"")
        }
    }

    func run() async throws {
        // Before any instrument is made: the Kafka bridge's counters record into it.
        RoleProcess.bootstrapMetrics()
        var logger = Logger(label: "crmbridge.control")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let environment = ProcessInfo.processInfo.environment
        let path = config ?? environment["CRMBRIDGE_CONFIG"].flatMap { $0.isEmpty ? nil : $0 } ?? "crmbridge.yaml"
        var settings: ControlSettings
        do {
            settings = try Self.settings(path: path, environment: environment, host: host, port: port)
        } catch let error as ConfigError {
            throw ValidationError("\(path): \(error)")
        }
        if case .success(let after) = DurationText.parse(forgetInstancesAfter) { settings.forgetInstancesAfter = after }
        let server = try await ControlServer.prepare(settings: settings, logger: logger)
        try await server.run(handlesSignals: true)
    }

    static func settings(path: String, environment: [String: String], host: String, port: Int) throws -> ControlSettings {
        let file = try CRMBridgeConfig.load(path: path, environment: environment)
        guard let token = environment["CRMBRIDGE_API_TOKEN"], !token.isEmpty else {
            throw ValidationError("CRMBRIDGE_API_TOKEN is not set: the control API needs a bearer token (make run writes one to .crmbridge/stack.env)")
        }
        var initial: [WorkflowName: String] = [:]
        for name in WorkflowName.allCases {
            initial[name] = file.workflowYAML[name] ?? "{}"
        }
        return ControlSettings(
            host: host, port: port, databaseURL: file.connections.campaign.databaseURL,
            kafka: ControlSettings.kafkaConfiguration(
                file.connections.kafka, localBroker: environment["CRMBRIDGE_LOCAL_BROKER"] == "1"),
            apiToken: Secret(token), crm: file.connections.crm.kind, instance: file.instance,
            initialConfigs: initial, crmConnection: file.connections.crm)
    }
}
