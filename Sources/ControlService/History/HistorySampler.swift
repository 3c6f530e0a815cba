import Config
import Foundation
import Logging
import ServiceLifecycle

/// Every `interval`, for each workflow: its status and backlog, and the role counters
/// of its heartbeats; into the history ring buffer (the page's charts) and `/metrics`.
/// A `Service`: it ends when the service group shuts down.
struct HistorySampler: Service {
    let inspector: WorkflowInspector
    let history: WorkflowHistory
    let metrics: ControlMetrics
    let interval: Duration
    let logger: Logger

    func run() async throws {
        // Shutdown cancels the loop at once, also in the middle of its pause.
        try? await cancelWhenGracefulShutdown {
            var totals: [WorkflowName: RoleCounterTotals] = [:]
            var previous: [WorkflowName: Date] = [:]
            while !Task.isCancelled {
                let started = ContinuousClock.now
                await sample(totals: &totals, previous: &previous)
                let pause = interval - (ContinuousClock.now - started)
                if pause > .zero {
                    try await Task.sleep(for: pause)
                }
            }
        }
    }

    /// One round over every workflow; errors are logged and the round goes on.
    func sample(totals: inout [WorkflowName: RoleCounterTotals], previous: inout [WorkflowName: Date]) async {
        let views: [WorkflowView]
        do {
            views = try await inspector.all()
        } catch {
            logger.warning("history sample failed", metadata: ["error": "\(error)"])
            return
        }
        for view in views {
            var workflowTotals = totals[view.name] ?? RoleCounterTotals()
            let increase = workflowTotals.observe(view.reports)
            totals[view.name] = workflowTotals
            metrics.record(backlog: view.backlog.total, status: view.status, for: view.name)
            metrics.add(increase, for: view.name)
            let seconds = previous[view.name].map { view.now.timeIntervalSince($0) } ?? 0
            previous[view.name] = view.now
            history.append(
                WorkflowHistory.Point(
                    time: view.now, backlog: view.backlog.total,
                    writtenPerSecond: seconds > 0 ? increase.observed.recordsWritten / seconds : 0,
                    readPerSecond: seconds > 0 ? increase.observed.recordsRead / seconds : 0,
                    status: view.status.rawValue),
                for: view.name)
        }
    }
}
