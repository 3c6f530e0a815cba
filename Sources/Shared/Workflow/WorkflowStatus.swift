/// What the Workflows page shows (SPEC §3).
public enum WorkflowStatus: String, Sendable, Codable, CaseIterable {
    case running = "RUNNING"
    case stopped = "STOPPED"
    /// Start requested, roles not yet confirmed running the requested version.
    case starting = "STARTING"
    /// A role hit an error it could not recover from, or stopped reporting.
    case failed = "FAILED"
}

/// What an operator asked for.
public enum DesiredState: String, Sendable, Codable {
    case running
    case stopped
}

/// What a role process reports in its heartbeat.
public enum RoleState: String, Sendable, Codable {
    /// Process alive, workflow stopped: nothing to do.
    case idle
    /// Loading its config version, checking schemas and connections.
    case starting
    case running
    /// Could not recover without an operator (bad credentials, a mapped field missing…).
    case failed
}
