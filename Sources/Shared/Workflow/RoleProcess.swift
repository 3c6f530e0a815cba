import Config
import Foundation
import Logging
import ServiceLifecycle

/// What every role executable does in `main`: read `crmbridge.yaml`, set up logging,
/// and run its supervisors in one `ServiceGroup` that stops gracefully on SIGTERM/SIGINT.
public enum RoleProcess {
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

    /// Runs the supervisors until SIGTERM or SIGINT, after the bridge schema migrations.
    public static func run(_ supervisors: [RoleSupervisor], config: CRMBridgeConfig, logger: Logger) async throws {
        try await BridgeSchema.createIfMissing(databaseURL: config.connections.campaign.databaseURL, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: supervisors.map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}

public enum RoleProcessError: Error, CustomStringConvertible {
    case invalidConfig(path: String, ConfigError)

    public var description: String {
        switch self {
        case .invalidConfig(let path, let error): "\(path) is not valid:\n\(error)"
        }
    }
}
