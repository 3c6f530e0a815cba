import Config
import Foundation
import WorkflowRuntime

/// Everything known about one workflow at one moment: what the operator asked for,
/// what its roles report, the status derived from both, and its backlog.
struct WorkflowView: Sendable {
    var record: WorkflowRecord
    var verdict: WorkflowStatusRule.Verdict
    var reports: [HeartbeatStore.Report]
    /// The database's clock when the heartbeats were read.
    var now: Date
    var backlog: BacklogReader.Reading
    /// The topics of the running configuration; `nil` when it could not be read.
    var streams: WorkflowStreams?
    /// The failure reason when FAILED; otherwise the latest error a live role reports
    /// while it retries (a transient error), if any.
    var lastError: String?
    /// The instances the roles list shows: `reports` without those silent for longer
    /// than `ControlSettings.forgetInstancesAfter` (`reports` keeps them for the counters).
    var listedReports: [HeartbeatStore.Report]

    var name: WorkflowName { record.name }
    var status: WorkflowStatus { verdict.status }
}
