import Foundation
import Shared

/// One workflow as the API shows it (SPEC §3). `runningVersion` and `lastError` are
/// always present, `null` when there is none.
struct WorkflowItem: Encodable, Sendable {
    struct Role: Encodable, Sendable {
        var role: String
        var instance: String
        var state: String
        var configVersion: Int?
        var lastError: String?
        /// Seconds since its last heartbeat.
        var heartbeatAgeSeconds: Double
    }

    var name: String
    var status: String
    /// Why the workflow is STARTING or FAILED.
    var statusReason: String?
    var backlog: Int64
    /// Set when Kafka could not be read; `backlog` is then the last value read.
    var backlogError: String?
    var backlogByTopic: [String: Int64]
    var runningVersion: Int?
    var editedVersion: Int
    var pendingChanges: Bool
    var lastError: String?
    var desiredState: String
    var startedAt: Date?
    var roles: [Role]
    /// Set on Stop when edits are pending, and on a Start that changed nothing.
    var warning: String?
    var message: String?

    init(_ view: WorkflowView) {
        name = view.name.rawValue
        status = view.status.rawValue
        statusReason = view.verdict.reason
        backlog = view.backlog.total
        backlogError = view.backlog.error
        backlogByTopic = view.backlog.byTopic
        runningVersion = view.record.runningVersion
        editedVersion = view.record.editedVersion
        pendingChanges = view.record.pendingChanges
        lastError = view.lastError
        desiredState = view.record.desiredState.rawValue
        startedAt = view.record.startedAt
        roles = view.reports.map {
            Role(role: $0.role, instance: $0.instance, state: $0.state.rawValue, configVersion: $0.configVersion,
                 lastError: $0.lastError, heartbeatAgeSeconds: max(0, (view.now.timeIntervalSince($0.at) * 10).rounded() / 10))
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, status, statusReason, backlog, backlogError, backlogByTopic, runningVersion, editedVersion
        case pendingChanges, lastError, desiredState, startedAt, roles, warning, message
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(status, forKey: .status)
        try container.encode(statusReason, forKey: .statusReason)
        try container.encode(backlog, forKey: .backlog)
        try container.encodeIfPresent(backlogError, forKey: .backlogError)
        try container.encode(backlogByTopic, forKey: .backlogByTopic)
        try container.encode(runningVersion, forKey: .runningVersion)
        try container.encode(editedVersion, forKey: .editedVersion)
        try container.encode(pendingChanges, forKey: .pendingChanges)
        try container.encode(lastError, forKey: .lastError)
        try container.encode(desiredState, forKey: .desiredState)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(roles, forKey: .roles)
        try container.encodeIfPresent(warning, forKey: .warning)
        try container.encodeIfPresent(message, forKey: .message)
    }
}
