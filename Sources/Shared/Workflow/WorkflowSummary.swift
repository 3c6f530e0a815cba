import Foundation

/// One workflow as the control API answers it (SPEC §3) and the CLI reads it: one
/// definition for both sides of the wire. `runningVersion`, `lastError` and
/// `statusReason` are always present, `null` when there is none.
public struct WorkflowSummary: Codable, Sendable, Equatable {
    public struct Role: Codable, Sendable, Equatable {
        public var role: String
        public var instance: String
        public var state: String
        public var configVersion: Int?
        public var lastError: String?
        /// Seconds since its last heartbeat.
        public var heartbeatAgeSeconds: Double

        public init(role: String, instance: String, state: String, configVersion: Int?, lastError: String?, heartbeatAgeSeconds: Double) {
            self.role = role
            self.instance = instance
            self.state = state
            self.configVersion = configVersion
            self.lastError = lastError
            self.heartbeatAgeSeconds = heartbeatAgeSeconds
        }
    }

    public var name: String
    public var status: String
    /// Why the workflow is STARTING or FAILED.
    public var statusReason: String?
    public var backlog: Int64
    /// Set when Kafka could not be read; `backlog` is then the last value read.
    public var backlogError: String?
    public var backlogByTopic: [String: Int64]
    public var runningVersion: Int?
    public var editedVersion: Int
    public var pendingChanges: Bool
    public var lastError: String?
    public var desiredState: String
    public var startedAt: Date?
    public var roles: [Role]
    /// Set on Stop when edits are pending, and on a Start that changed nothing.
    public var warning: String?
    public var message: String?

    public init(
        name: String, status: String, statusReason: String?, backlog: Int64, backlogError: String?,
        backlogByTopic: [String: Int64], runningVersion: Int?, editedVersion: Int, pendingChanges: Bool,
        lastError: String?, desiredState: String, startedAt: Date?, roles: [Role], warning: String? = nil, message: String? = nil
    ) {
        self.name = name
        self.status = status
        self.statusReason = statusReason
        self.backlog = backlog
        self.backlogError = backlogError
        self.backlogByTopic = backlogByTopic
        self.runningVersion = runningVersion
        self.editedVersion = editedVersion
        self.pendingChanges = pendingChanges
        self.lastError = lastError
        self.desiredState = desiredState
        self.startedAt = startedAt
        self.roles = roles
        self.warning = warning
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case name, status, statusReason, backlog, backlogError, backlogByTopic, runningVersion, editedVersion
        case pendingChanges, lastError, desiredState, startedAt, roles, warning, message
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        status = try c.decode(String.self, forKey: .status)
        statusReason = try c.decodeIfPresent(String.self, forKey: .statusReason)
        backlog = try c.decode(Int64.self, forKey: .backlog)
        backlogError = try c.decodeIfPresent(String.self, forKey: .backlogError)
        backlogByTopic = try c.decodeIfPresent([String: Int64].self, forKey: .backlogByTopic) ?? [:]
        runningVersion = try c.decodeIfPresent(Int.self, forKey: .runningVersion)
        editedVersion = try c.decode(Int.self, forKey: .editedVersion)
        pendingChanges = try c.decode(Bool.self, forKey: .pendingChanges)
        lastError = try c.decodeIfPresent(String.self, forKey: .lastError)
        desiredState = try c.decode(String.self, forKey: .desiredState)
        startedAt = try? c.decodeIfPresent(Date.self, forKey: .startedAt)
        roles = try c.decodeIfPresent([Role].self, forKey: .roles) ?? []
        warning = try c.decodeIfPresent(String.self, forKey: .warning)
        message = try c.decodeIfPresent(String.self, forKey: .message)
    }

    public func encode(to encoder: any Encoder) throws {
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
