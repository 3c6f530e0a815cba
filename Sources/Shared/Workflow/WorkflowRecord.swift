import Config
import Foundation

/// A workflow's row in `crmbridge.workflows`: what was edited, what runs, what the
/// operator asked for.
public struct WorkflowRecord: Sendable, Equatable {
    public var name: WorkflowName
    public var editedConfig: String
    public var editedVersion: Int
    public var runningVersion: Int?
    public var desiredState: DesiredState
    public var startedAt: Date?

    /// Edits saved but not yet applied (they apply on Stop then Start).
    public var pendingChanges: Bool { runningVersion != nil && runningVersion != editedVersion }
}
