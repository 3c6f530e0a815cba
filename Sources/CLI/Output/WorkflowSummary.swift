import Foundation

/// The fields of an API workflow item the CLI shows (SPEC §3).
struct WorkflowSummary: Decodable {
    struct Role: Decodable {
        var role: String
        var instance: String
        var state: String
        var configVersion: Int?
        var lastError: String?
        var heartbeatAgeSeconds: Double
    }

    var name: String
    var status: String
    var statusReason: String?
    var backlog: Int64
    var backlogError: String?
    var runningVersion: Int?
    var editedVersion: Int
    var pendingChanges: Bool
    var lastError: String?
    var desiredState: String
    var roles: [Role]
    var warning: String?
    var message: String?
}
