import ArgumentParser
import CoreValues
import Foundation

/// `crmbridge replay <workflow> --entity E --from earliest|<time>` or `--resync`
/// (SPEC §5). The workflow must be stopped; `--start` starts it afterwards and
/// `--wait` shows the replay draining.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-deliver an entity's topic from a time (or the start), or re-read it from the CRM.",
        discussion: """
            The workflow must be stopped. --from moves the writer group's offsets, so the \
            next Start writes those records again (writes are idempotent and newer-wins). \
            --resync re-reads the entity from the CRM at the next Start (crm-to-campaign).
            """)

    @Argument(help: "crm-to-campaign, campaign-to-crm or opt-in-out.") var workflow: String
    @Option(help: "The entity (crm-to-campaign), export or stream (email-events, from-crm…) to replay.") var entity: String
    @Option(help: "earliest, or an RFC 3339 time such as 2026-01-02T03:04:05Z.") var from: String?
    @Flag(help: "Re-read the entity from the CRM at the next Start instead.") var resync = false
    @Flag(help: "Start the workflow after the replay is set up.") var start = false
    @Flag(help: "Show the backlog draining until it reaches 0 (implies the workflow runs).") var wait = false
    @OptionGroup var client: ClientOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try workflowName(workflow)
        guard !entity.isEmpty else { throw ValidationError("--entity must not be empty") }
        switch (from, resync) {
        case (nil, false): throw ValidationError("say where to replay from: --from earliest|<RFC 3339 time>, or --resync")
        case (.some, true): throw ValidationError("--from and --resync exclude each other")
        case (.some(let from), false):
            if from != "earliest", case .failure(let error) = DateTimeText.parse(from, leniency: .rfc3339) {
                throw ValidationError("--from must be earliest or an RFC 3339 time like 2026-01-02T03:04:05Z (\(error.reason))")
            }
        case (nil, true): break
        }
    }

    func run() async throws {
        let api = try client.client()
        var body: [String: Any] = ["entity": entity]
        if let from { body["from"] = from } else { body["resync"] = true }
        let answer = try await api.json("POST", "/api/workflows/\(workflow)/replay", body: body)
        let result = answer as? [String: Any] ?? [:]
        if !output.json {
            print(result["message"] as? String ?? "replay set up")
        }
        if start {
            let started = try await api.json("POST", "/api/workflows/\(workflow)/start") as? [String: Any]
            if !output.json { print("\(workflow): \(started?["status"] as? String ?? "?")") }
        }
        if wait {
            try await DrainWatcher(client: api, workflow: workflow, interval: 1, timeout: 0).run()
        }
        if output.json { try JSONOutput.print(answer) }
    }
}
