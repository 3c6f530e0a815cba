import Foundation
import WorkflowRuntime

extension WorkflowSummary {
    /// The API's view of a workflow: status from its roles, backlog from Kafka.
    init(_ view: WorkflowView) {
        self.init(
            name: view.name.rawValue, status: view.status.rawValue, statusReason: Self.reason(view),
            backlog: view.backlog.total, backlogError: view.backlog.error, backlogByTopic: view.backlog.byTopic,
            runningVersion: view.record.runningVersion, editedVersion: view.record.editedVersion,
            pendingChanges: view.record.pendingChanges, lastError: view.lastError,
            desiredState: view.record.desiredState.rawValue, startedAt: view.record.startedAt,
            roles: view.listedReports.map {
                Role(role: $0.role, instance: $0.instance, state: $0.state.rawValue, configVersion: $0.configVersion,
                     lastError: $0.lastError, heartbeatAgeSeconds: max(0, (view.now.timeIntervalSince($0.at) * 10).rounded() / 10))
            })
    }

    /// Why the workflow is STARTING or FAILED; while RUNNING, what a live role reports
    /// as it retries (e.g. "reader: CRM not answering for 75 s (retrying): …").
    static func reason(_ view: WorkflowView) -> String? {
        if let reason = view.verdict.reason { return reason }
        return view.status == .running ? view.lastError : nil
    }
}
