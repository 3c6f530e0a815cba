import Config
import Foundation
import Logging
import Prometheus
import ServiceLifecycle

/// What every role executable does in `main`: read `crmbridge.yaml`, set up logging and
/// metrics, and run its supervisors (and its `/healthz` and `/metrics` endpoint) in one
/// `ServiceGroup` that stops gracefully on SIGTERM/SIGINT.
public enum RoleProcess {
    /// The endpoint's port when neither `--metrics-port` nor `$CRMBRIDGE_METRICS_PORT` is
    /// given: none. Several roles often share a host (`make run`, tests), so each is given
    /// its own port rather than all fighting for one default.
    public static let metricsPortHelp =
        "Port of /healthz and /metrics (default $CRMBRIDGE_METRICS_PORT; unset or 0: not served)."
    public static let metricsHostHelp =
        "Address /healthz and /metrics listen on (default $CRMBRIDGE_METRICS_HOST, else 0.0.0.0)."

    /// Where to serve `/healthz` and `/metrics`: the options, else the environment; nil when
    /// the port is unset or 0.
    public static func metricsEndpoint(
        port option: Int?, host hostOption: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> RoleEndpoint.Configuration? {
        let port: Int
        if let option {
            port = option
        } else if let text = environment["CRMBRIDGE_METRICS_PORT"], !text.isEmpty {
            guard let parsed = Int(text) else { throw RoleProcessError.invalidMetricsPort(text) }
            port = parsed
        } else {
            return nil
        }
        guard (0...65535).contains(port) else { throw RoleProcessError.invalidMetricsPort("\(port)") }
        guard port != 0 else { return nil }
        let host = hostOption ?? environment["CRMBRIDGE_METRICS_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "0.0.0.0"
        return RoleEndpoint.Configuration(host: host, port: port)
    }

    /// The configuration file: `--config`, else `$CRMBRIDGE_CONFIG`, else `crmbridge.yaml`.
    public static func configPath(_ option: String?) -> String {
        option ?? ProcessInfo.processInfo.environment["CRMBRIDGE_CONFIG"] ?? "crmbridge.yaml"
    }

    /// Loads the file; every problem is printed with its path, then the process exits non-zero.
    public static func loadConfig(_ path: String) throws -> CRMBridgeConfig {
        do {
            return try CRMBridgeConfig.load(path: path)
        } catch {
            throw RoleProcessError.invalidConfig(path: path, error)
        }
    }

    public static func bootstrapLogging(label: String) -> Logger {
        let level = ProcessInfo.processInfo.environment["CRMBRIDGE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: label)
    }

    /// swift-metrics with the Prometheus factory, before any instrument is made.
    @discardableResult
    public static func bootstrapMetrics() -> PrometheusCollectorRegistry {
        MetricsBootstrap.bootstrap()
    }

    /// The whole `main` of one role process: logging labelled `crmbridge.<service>.<role>`,
    /// metrics, the endpoint, the config, and one supervisor running `work` until
    /// SIGTERM or SIGINT. Every service's role commands call this.
    /// - Parameter needs: what `/healthz` waits for besides the Campaign database.
    public static func runRole(
        workflow: WorkflowName, role: String, service: String,
        config option: String?, metricsPort: Int?, metricsHost: String?,
        needs: Set<RoleHealth.Dependency>, work: (CRMBridgeConfig, Logger) -> RoleSupervisor.Work
    ) async throws {
        MallocTuning.apply()
        let logger = bootstrapLogging(label: "crmbridge.\(service).\(role)")
        bootstrapMetrics()
        let endpoint = try metricsEndpoint(port: metricsPort, host: metricsHost)
        let base = try loadConfig(configPath(option))
        let supervisor = RoleSupervisor(
            configuration: .init(workflow: workflow, role: role, databaseURL: base.connections.campaign.databaseURL, needs: needs),
            logger: logger, work: work(base, logger))
        try await run([supervisor], config: base, endpoint: endpoint, logger: logger)
    }

    /// Runs the supervisors until SIGTERM or SIGINT, after the bridge schema migrations,
    /// with swift-metrics bootstrapped and, when `endpoint` is set, `/healthz` and `/metrics`.
    public static func run(
        _ supervisors: [RoleSupervisor], config: CRMBridgeConfig, endpoint: RoleEndpoint.Configuration? = nil,
        logger: Logger
    ) async throws {
        let registry = MetricsBootstrap.bootstrap()
        var services = supervisors.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
        if let endpoint {
            // The endpoint answers from the start: a role waiting for its database is not ready.
            services.append(.init(service: RoleEndpoint(
                configuration: endpoint, health: supervisors.map(\.configuration.health), registry: registry, logger: logger)))
        }
        try await BridgeSchema.createIfMissing(databaseURL: config.connections.campaign.databaseURL, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}

public enum RoleProcessError: Error, CustomStringConvertible {
    case invalidConfig(path: String, ConfigError)
    case invalidMetricsPort(String)

    public var description: String {
        switch self {
        case .invalidConfig(let path, let error): "\(path) is not valid:\n\(error)"
        case .invalidMetricsPort(let text):
            "the metrics port \"\(text)\" (--metrics-port or CRMBRIDGE_METRICS_PORT) is not a port number from 0 to 65535"
        }
    }
}
