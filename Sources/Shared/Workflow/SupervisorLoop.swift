import Foundation
import Logging
import PostgresBridge

/// The state machine behind `RoleSupervisor`: one tick per heartbeat interval
/// compares what the operator asked for with what runs, starts or stops the work,
/// and reports the role's state.
actor SupervisorLoop {
    private struct Current {
        var version: Int
        var startedAt: Date?
        var run: RoleRun
        var task: Task<Void, Never>
    }

    private let configuration: RoleSupervisor.Configuration
    private let workflows: WorkflowStore
    private let heartbeats: HeartbeatStore
    private let work: RoleSupervisor.Work
    private let logger: Logger
    private var current: Current?
    /// The unrecoverable error of the current start, kept until Start is pressed again.
    private var failure: (startedAt: Date?, version: Int, message: String)?
    /// The last transient error, shown in the heartbeat while the work retries.
    private var lastError: String?
    private var shuttingDown = false
    /// Signalled when the workflow's Start or Stop is notified.
    nonisolated let wakeup = SupervisorWakeup()

    init(configuration: RoleSupervisor.Configuration, database: PostgresConnection, work: @escaping RoleSupervisor.Work, logger: Logger) {
        self.configuration = configuration
        self.workflows = WorkflowStore(database: database)
        self.heartbeats = HeartbeatStore(database: database)
        self.work = work
        self.logger = logger
    }

    func run() async {
        while !shuttingDown && !Task.isCancelled {
            do {
                try await tick()
            } catch {
                logger.warning("supervisor tick failed", metadata: ["error": "\(error)"])
            }
            await wakeup.wait(upTo: configuration.heartbeatInterval)
        }
    }

    nonisolated func requestShutdown() {
        Task { await self.markShuttingDown() }
    }

    private func markShuttingDown() {
        shuttingDown = true
        wakeup.signal()
    }

    /// Stops the work (it flushes and commits) and removes the heartbeat.
    func finish() async {
        await stopCurrent()
        try? await heartbeats.remove(workflow: configuration.workflow, role: configuration.role, instance: configuration.instance)
    }

    private func tick() async throws {
        let record = try await workflows.get(configuration.workflow)
        if let record, record.desiredState == .running, let version = record.runningVersion {
            let sameStart = current.map { $0.version == version && $0.startedAt == record.startedAt } ?? false
            if !sameStart {
                await stopCurrent()
                let failedThisStart = failure.map { $0.startedAt == record.startedAt && $0.version == version } ?? false
                if !failedThisStart {
                    failure = nil
                    try await start(version: version, startedAt: record.startedAt)
                }
            }
        } else {
            await stopCurrent()
            failure = nil
        }
        try await beat()
        touchAliveFile()
    }

    private func start(version: Int, startedAt: Date?) async throws {
        let text = try await workflows.config(configuration.workflow, version: version)
        let run = RoleRun(workflow: configuration.workflow, configVersion: version, configText: text)
        logger.info("starting work", metadata: ["workflow": "\(configuration.workflow.rawValue)", "role": "\(configuration.role)", "configVersion": "\(version)"])
        let task = Task { [work, logger, configuration] in
            var delay = configuration.retryBackoff
            while !Task.isCancelled {
                do {
                    try await work(run)
                    return
                } catch is CancellationError {
                    return
                } catch let failure as RoleFailure {
                    logger.error("role failed", metadata: ["error": "\(failure.message)"])
                    self.recordFailure(failure.message, version: version, startedAt: startedAt)
                    return
                } catch {
                    if Task.isCancelled { return }
                    run.counters.error()
                    logger.warning("role error, retrying", metadata: ["error": "\(error)", "retryIn": "\(delay)"])
                    self.recordTransientError("\(error)")
                    try? await Task.sleep(for: delay)
                    delay = min(delay * 2, .seconds(30))
                }
            }
        }
        current = Current(version: version, startedAt: startedAt, run: run, task: task)
    }

    private func recordFailure(_ message: String, version: Int, startedAt: Date?) {
        failure = (startedAt, version, message)
    }

    private func recordTransientError(_ message: String) {
        lastError = message
    }

    private func stopCurrent() async {
        guard let running = current else { return }
        current = nil
        running.task.cancel()
        await running.task.value
        lastError = nil
        logger.info("work stopped", metadata: ["workflow": "\(configuration.workflow.rawValue)", "role": "\(configuration.role)"])
    }

    private func beat() async throws {
        let state: RoleState
        var version = current?.version
        var error = lastError ?? current?.run.warning
        var detail = current?.run.detailJSON ?? "{}"
        if let failure {
            state = .failed
            version = failure.version
            error = failure.message
            detail = "{}"
        } else if let current {
            state = current.run.isRunning ? .running : .starting
        } else {
            state = .idle
        }
        try await heartbeats.beat(
            workflow: configuration.workflow, role: configuration.role, instance: configuration.instance,
            state: state, configVersion: version, lastError: error, detail: detail)
    }

    private func touchAliveFile() {
        guard let path = configuration.aliveFile else { return }
        if !FileManager.default.createFile(atPath: path, contents: nil) {
            logger.debug("could not touch the alive file", metadata: ["path": "\(path)"])
        }
    }
}
