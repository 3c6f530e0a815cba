import ArgumentParser
import Foundation
import WorkflowRuntime

/// `crmbridge workflows list|show|start|stop|edit|watch`.
struct WorkflowsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflows",
        abstract: "Show and control the workflows.",
        subcommands: [List.self, Show.self, Start.self, Stop.self, Edit.self, Watch.self],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Status and backlog of every workflow.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let api = try client.client()
            if output.json {
                try JSONOutput.print(try await api.json("GET", "/api/workflows"))
                return
            }
            let items = try await api.decode([WorkflowSummary].self, "GET", "/api/workflows")
            var table = TextTable(
                headers: ["WORKFLOW", "STATUS", "BACKLOG", "RUNNING", "EDITED", "PENDING", "LAST ERROR"],
                rightAligned: [2, 3, 4])
            for item in items {
                table.rows.append([
                    item.name, item.status, NumberText.grouped(item.backlog),
                    item.runningVersion.map(String.init) ?? "-", String(item.editedVersion),
                    item.pendingChanges ? "yes" : "no", item.lastError ?? item.backlogError ?? "-",
                ])
            }
            print(table.render())
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One workflow: status, backlog, versions, roles.")
        @Argument(help: "crm-to-campaign, campaign-to-crm or opt-in-out.") var workflow: String
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions

        func validate() throws { _ = try workflowName(workflow) }

        func run() async throws {
            let api = try client.client()
            let path = "/api/workflows/\(workflow)"
            if output.json {
                try JSONOutput.print(try await api.json("GET", path))
                return
            }
            let item = try await api.decode(WorkflowSummary.self, "GET", path)
            var lines = [
                "workflow         \(item.name)",
                "status           \(item.status)" + (item.statusReason.map { " (\($0))" } ?? ""),
                "backlog          \(NumberText.grouped(item.backlog))" + (item.backlogError.map { " (\($0))" } ?? ""),
                "running version  \(item.runningVersion.map(String.init) ?? "-")",
                "edited version   \(item.editedVersion)" + (item.pendingChanges ? " (edits pending: Stop, then Start, applies them)" : ""),
                "desired state    \(item.desiredState)",
                "last error       \(item.lastError ?? "-")",
            ]
            if item.roles.isEmpty {
                lines.append("roles            none reporting")
            } else {
                var table = TextTable(headers: ["ROLE", "INSTANCE", "STATE", "VERSION", "HEARTBEAT", "ERROR"], rightAligned: [3])
                for role in item.roles {
                    table.rows.append([
                        role.role, role.instance, role.state, role.configVersion.map(String.init) ?? "-",
                        String(format: "%.1fs ago", role.heartbeatAgeSeconds), role.lastError ?? "-",
                    ])
                }
                lines.append("")
                lines.append(table.render())
            }
            print(lines.joined(separator: "\n"))
        }
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start a workflow with its edited configuration.")
        @Argument(help: "crm-to-campaign, campaign-to-crm or opt-in-out.") var workflow: String
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions

        func validate() throws { _ = try workflowName(workflow) }

        func run() async throws {
            let answer = try await client.client().json("POST", "/api/workflows/\(workflow)/start")
            if output.json { try JSONOutput.print(answer); return }
            let item = answer as? [String: Any] ?? [:]
            if let message = item["message"] as? String {
                print(message)
            } else {
                print("\(workflow): \(item["status"] as? String ?? "?") (start requested with version \(item["runningVersion"] as? Int ?? 0))")
            }
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a workflow (warns when saved edits were never applied).")
        @Argument(help: "crm-to-campaign, campaign-to-crm or opt-in-out.") var workflow: String
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions

        func validate() throws { _ = try workflowName(workflow) }

        func run() async throws {
            let answer = try await client.client().json("POST", "/api/workflows/\(workflow)/stop")
            let item = answer as? [String: Any] ?? [:]
            if let warning = item["warning"] as? String {
                FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
            }
            if output.json { try JSONOutput.print(answer); return }
            print("\(workflow): \(item["status"] as? String ?? "?")")
        }
    }
}
