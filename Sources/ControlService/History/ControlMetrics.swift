import Config
import Prometheus
import Synchronization
import WorkflowRuntime

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
            let added: [(Double, String, String)] = [
                (step.recordsRead, "crmbridge_records_read_total", "Records read from the source."),
                (step.recordsWritten, "crmbridge_records_written_total", "Records written to the target."),
                (step.recordsRejected, "crmbridge_records_rejected_total", "Records rejected (rejects topic and crmbridge.rejects)."),
                (step.errors, "crmbridge_errors_total", "Errors the roles retried."),
                (step.latencySecondsSum, "crmbridge_latency_seconds_sum",
                 "Sum of end-to-end latencies of written records (source change to target)."),
                (step.latencyCount, "crmbridge_latency_seconds_count",
                 "Written records whose latency is in crmbridge_latency_seconds_sum."),
            ]
            for (amount, name, help) in added {
                Self.add(amount, to: counter(name, labels, help))
            }
        }
    }

    /// Our names are complete (`…_total`, `…_seconds_sum`): no unit is appended.
    private static func describe(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// The workflow aggregates, then what the process's own swift-metrics instruments
    /// recorded (the Kafka bridge's), when `main` bootstrapped them.
    func text() -> String {
        registry.emitToString() + (MetricsBootstrap.registry?.emitToString() ?? "")
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
