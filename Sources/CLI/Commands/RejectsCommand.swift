import ArgumentParser
import Foundation

/// `crmbridge rejects list [--workflow W] [--limit N]`: the latest rejects with their codes.
struct RejectsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rejects",
        abstract: "Records a writer could not apply or a CRM refused.",
        subcommands: [List.self],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The latest rejects, newest first.")
        @Option(help: "Only this workflow's rejects.") var workflow: String?
        @Option(help: "How many (1-1000).") var limit = 20
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if let workflow { _ = try workflowName(workflow) }
            guard (1...1000).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000, not \(limit)") }
        }

        func run() async throws {
            var query = "?limit=\(limit)"
            if let workflow { query += "&workflow=\(workflow)" }
            let answer = try await client.client().json("GET", "/api/rejects\(query)")
            if output.json { try JSONOutput.print(answer); return }
            var table = TextTable(headers: ["TIME", "WORKFLOW", "ENTITY", "RECORD", "CODE", "MESSAGE"])
            for reject in answer as? [[String: Any]] ?? [] {
                table.rows.append([
                    reject["createdAt"] as? String ?? "", reject["workflow"] as? String ?? "", reject["entity"] as? String ?? "-",
                    reject["recordId"] as? String ?? "-", reject["code"] as? String ?? "", reject["message"] as? String ?? "",
                ])
            }
            print(table.rows.isEmpty ? "no rejects" : table.render())
        }
    }
}
