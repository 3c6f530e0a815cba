import Config
import CoreValues
import Foundation
import Logging
import PostgresBridge
import ServiceLifecycle

/// Runs one role of one workflow inside a long-lived process: follows the
/// operator's Start/Stop from `crmbridge.workflows`, starts the role's work with the
/// config version it was started with, reports a heartbeat every second, and turns
/// errors into a FAILED state (unrecoverable) or a retry with backoff (transient).
///
/// A `Service`: `main` puts it in a `ServiceGroup`, so SIGTERM stops the work
/// gracefully (the work flushes and commits) and removes the heartbeat.
public final class RoleSupervisor: Service, Sendable {
    public typealias Work = @Sendable (RoleRun) async throws -> Void

    public struct Configuration: Sendable {
        public var workflow: WorkflowName
        public var role: String
        public var instance: String
        public var databaseURL: Secret
        /// Between checks of the desired state and heartbeats.
        public var heartbeatInterval: Duration = .seconds(1)
        /// First wait before restarting work after a transient error; doubles up to 30 s.
        public var retryBackoff: Duration = .seconds(1)
        /// Touched on every heartbeat when set (a container liveness probe reads it).
        public var aliveFile: String?
        /// The role's counters, across every run of its work in this process.
        public var counters: RoleCounters
        /// What `/healthz` answers for this role.
        public var health: RoleHealth

        /// - Parameter needs: what the role must be connected to for `/healthz` to say
        ///   ready (the Campaign database always: the supervisor lives on it).
        public init(workflow: WorkflowName, role: String, databaseURL: Secret, instance: String? = nil,
                    needs: Set<RoleHealth.Dependency> = [],
                    aliveFile: String? = ProcessInfo.processInfo.environment["CRMBRIDGE_ALIVE_FILE"]) {
            self.workflow = workflow
            self.role = role
            self.databaseURL = databaseURL
            self.instance = instance ?? RoleSupervisor.defaultInstance(role: role)
            self.aliveFile = aliveFile
            counters = RoleCounters(workflow: workflow, role: role)
            health = RoleHealth(needs: needs.union([.database]))
        }
    }

    let configuration: Configuration
    let work: Work
    let logger: Logger

    public init(configuration: Configuration, logger: Logger, work: @escaping Work) {
        self.configuration = configuration
        self.logger = logger
        self.work = work
    }

    public static func defaultInstance(role: String) -> String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
    }

    public func run() async throws {
        let database = try await connectWithRetry()
        let loop = SupervisorLoop(configuration: configuration, database: database, work: work, logger: logger)
        let listener = await listenForStartAndStop(database, wakeup: loop.wakeup)
        await withGracefulShutdownHandler {
            await loop.run()
        } onGracefulShutdown: {
            loop.requestShutdown()
        }
        await loop.finish()
        await database.close()
        listener?.cancel()
    }

    /// Wakes the loop when the workflow is started or stopped (`WorkflowStore` notifies),
    /// so a Start takes effect at once rather than at the next heartbeat. Without it (the
    /// LISTEN failed) the loop still sees every change at its next heartbeat.
    private func listenForStartAndStop(_ database: PostgresConnection, wakeup: SupervisorWakeup) async -> Task<Void, Never>? {
        do {
            try await database.listen(channel: WorkflowStore.notificationChannel)
        } catch {
            logger.warning("cannot listen for Start and Stop; checking once per heartbeat", metadata: ["error": "\(error)"])
            return nil
        }
        let workflow = configuration.workflow.rawValue
        return Task {
            for await notification in database.notifications where notification.payload == workflow {
                wakeup.signal()
            }
        }
    }

    private func connectWithRetry() async throws -> PostgresConnection {
        var delay = configuration.retryBackoff
        while true {
            do {
                return try await PostgresConnection.connect(url: configuration.databaseURL, logger: logger)
            } catch let error as PostgresError where error.isRetriable {
                configuration.health.disconnected(.database, "\(error)")
                logger.warning("Campaign database not reachable, retrying", metadata: ["error": "\(error)"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(30))
            }
        }
    }
}
