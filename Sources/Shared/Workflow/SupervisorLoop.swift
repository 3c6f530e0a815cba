import Foundation
import Logging
import PostgresBridge

/// Runs `RoleSupervisor`'s decisions: one tick per heartbeat interval (or at a Start or
/// Stop notification) reads what the operator asked for, lets `SupervisorStateMachine`
/// decide, starts or stops the work as it says, and reports the role's state.
actor SupervisorLoop {
    private struct Work {
        var run: RoleRun
        var task: Task<Void, Never>
    }

    private let configuration: RoleSupervisor.Configuration
    private let workflows: WorkflowStore
    private let heartbeats: HeartbeatStore
    private let work: RoleSupervisor.Work
    private let logger: Logger
    private var machine = SupervisorStateMachine()
    private var current: Work?
    /// `run.timesRunning` when the work last threw a transient error; the error is shown
    /// until the work runs again.
    private var errorMark: (start: SupervisorStateMachine.Start, timesRunning: Int)?
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
                configuration.health.connected(.database)
            } catch {
                configuration.health.disconnected(.database, "\(error)")
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
        let desired: SupervisorStateMachine.Desired
        if let record, record.desiredState == .running, let version = record.runningVersion {
            desired = .running(.init(version: version, startedAt: record.startedAt))
        } else {
            desired = .stopped
        }
        switch machine.desired(desired) {
        case .keep:
            break
        case .stop:
            await stopCurrent()
        case .start(let start):
            try await self.start(start)
        case .replace(let start):
            await stopCurrent()
            try await self.start(start)
        }
        try await beat()
        touchAliveFile()
    }

    private func start(_ start: SupervisorStateMachine.Start) async throws {
        let text = try await workflows.config(configuration.workflow, version: start.version)
        let run = RoleRun(workflow: configuration.workflow, configVersion: start.version, configText: text,
                          instance: configuration.instance,
                          counters: configuration.counters, health: configuration.health)
        logger.info("starting work", metadata: [
            "workflow": "\(configuration.workflow.rawValue)", "role": "\(configuration.role)", "configVersion": "\(start.version)"])
        let task = Task { [work, logger, configuration] in
            var errors = 0
            while !Task.isCancelled {
                do {
                    try await work(run)
                    return
                } catch {
                    switch await self.workThrew(start, run, error, isCancelled: Task.isCancelled) {
                    case .end:
                        return
                    case .fail(let message):
                        logger.error("role failed", metadata: ["error": "\(message)"])
                        return
                    case .retry(let message):
                        errors += 1
                        let delay = SupervisorStateMachine.retryDelay(afterErrors: errors, initial: configuration.retryBackoff)
                        run.counters.error()
                        run.health.retrying(after: error)
                        logger.warning("role error, retrying", metadata: ["error": "\(message)", "retryIn": "\(delay)"])
                        try? await Task.sleep(for: delay)
                    }
                }
            }
        }
        current = Work(run: run, task: task)
        machine.started(start)
    }

    private func workThrew(
        _ start: SupervisorStateMachine.Start, _ run: RoleRun, _ error: any Error, isCancelled: Bool
    ) -> SupervisorStateMachine.ErrorOutcome {
        let outcome = machine.workThrew(start, error, isCancelled: isCancelled)
        if case .retry = outcome { errorMark = (start, run.timesRunning) }
        return outcome
    }

    private func stopCurrent() async {
        guard let running = current else { return }
        current = nil
        running.task.cancel()
        await running.task.value
        machine.stopped()
        logger.info("work stopped", metadata: ["workflow": "\(configuration.workflow.rawValue)", "role": "\(configuration.role)"])
    }

    private func beat() async throws {
        if let mark = errorMark, let run = current?.run, run.timesRunning > mark.timesRunning {
            machine.recovered(mark.start)
            errorMark = nil
        }
        let beat = machine.beat(workIsRunning: current?.run.isRunning ?? false)
        let detail = beat.includesDetail ? current?.run.detailJSON ?? "{}" : "{}"
        configuration.health.work(RoleHealth.workReason(beat.state, lastError: beat.lastError, workflow: configuration.workflow))
        // A warning (say, a long transaction holding the horizon back) shows while the
        // work runs; it is not an error, so readiness ignores it.
        let shownError = beat.lastError ?? (beat.includesDetail ? current?.run.warning : nil)
        try await heartbeats.beat(
            workflow: configuration.workflow, role: configuration.role, instance: configuration.instance,
            state: beat.state, configVersion: beat.configVersion, lastError: shownError, detail: detail)
    }

    private func touchAliveFile() {
        guard let path = configuration.aliveFile else { return }
        if !FileManager.default.createFile(atPath: path, contents: nil) {
            logger.debug("could not touch the alive file", metadata: ["path": "\(path)"])
        }
    }
}
