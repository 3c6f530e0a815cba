import Foundation
import WorkflowRuntime

extension WorkflowSummary {
    /// The API's view of a workflow: status from its roles, backlog from Kafka.
    init(_ view: WorkflowView) {
        self.init(
            name: view.name.rawValue, status: view.status.rawValue, statusReason: view.verdict.reason,
            backlog: view.backlog.total, backlogError: view.backlog.error, backlogByTopic: view.backlog.byTopic,
            runningVersion: view.record.runningVersion, editedVersion: view.record.editedVersion,
            pendingChanges: view.record.pendingChanges, lastError: view.lastError,
            desiredState: view.record.desiredState.rawValue, startedAt: view.record.startedAt,
            roles: view.reports.map {
                Role(role: $0.role, instance: $0.instance, state: $0.state.rawValue, configVersion: $0.configVersion,
                     lastError: $0.lastError, heartbeatAgeSeconds: max(0, (view.now.timeIntervalSince($0.at) * 10).rounded() / 10))
            })
    }
}
