import Prometheus
import Shared
import Synchronization

/// `/metrics` in Prometheus text format: per workflow its backlog and status, and per
/// workflow and role the records read, written and rejected, errors and latency,
/// aggregated from the counters roles report in their heartbeats. Labels stay few:
/// three workflows, their known roles.
final class ControlMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let counters = Mutex<[String: Counter]>([:])

    func record(backlog: Int64, status: WorkflowStatus, for workflow: WorkflowName) {
        registry.makeGauge(
            descriptor: Self.describe("crmbridge_workflow_backlog",
                "Records read and queued, not yet written: the writer group's lag over the workflow's topics."),
            labels: [("workflow", workflow.rawValue)]
        ).set(to: Double(backlog))
        for candidate in WorkflowStatus.allCases {
            registry.makeGauge(
                descriptor: Self.describe("crmbridge_workflow_status", "1 for the workflow's current status, 0 for the others."),
                labels: [("workflow", workflow.rawValue), ("status", candidate.rawValue)]
            ).set(to: candidate == status ? 1 : 0)
        }
    }

    func add(_ increase: RoleCounterTotals.Increase, for workflow: WorkflowName) {
        for (reportedRole, step) in increase.byRole {
            let role = workflow.roles.contains(reportedRole) ? reportedRole : "other"
            let labels = [("workflow", workflow.rawValue), ("role", role)]
            Self.add(step.recordsRead, to: counter("crmbridge_records_read_total", labels, "Records read from the source."))
            Self.add(step.recordsWritten, to: counter("crmbridge_records_written_total", labels, "Records written to the target."))
            Self.add(step.recordsRejected, to: counter("crmbridge_records_rejected_total", labels, "Records rejected (rejects topic and crmbridge.rejects)."))
            Self.add(step.errors, to: counter("crmbridge_errors_total", labels, "Errors the roles retried."))
            Self.add(step.latencySecondsSum, to: counter("crmbridge_latency_seconds_sum", labels, "Sum of end-to-end latencies of written records (source change to target)."))
            Self.add(step.latencyCount, to: counter("crmbridge_latency_seconds_count", labels, "Written records whose latency is in crmbridge_latency_seconds_sum."))
        }
    }

    /// Our names are complete (`…_total`, `…_seconds_sum`): no unit is appended.
    private static func describe(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    func text() -> String {
        registry.emitToString()
    }

    /// Adds `amount`, as a whole number when it is one (records, errors), so the
    /// exposition shows `2000`, not `2000.0`.
    private static func add(_ amount: Double, to counter: Counter) {
        guard amount > 0, amount.isFinite else { return }
        if amount == amount.rounded(), amount < 9e15 {
            counter.increment(by: Int64(amount))
        } else {
            counter.increment(by: amount)
        }
    }

    private func counter(_ name: String, _ labels: [(String, String)], _ help: String) -> Counter {
        let key = name + labels.map { "|\($0.0)=\($0.1)" }.joined()
        return counters.withLock { counters in
            if let known = counters[key] { return known }
            let made = registry.makeCounter(descriptor: Self.describe(name, help), labels: labels)
            counters[key] = made
            return made
        }
    }
}
