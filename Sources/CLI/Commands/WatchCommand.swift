import ArgumentParser
import Foundation

extension WorkflowsCommand {
    /// `crmbridge workflows watch <workflow>`: a progress bar while the backlog drains.
    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the backlog draining (bar, rate, ETA on stderr) until it reaches 0.")
        @Argument(help: "crm-to-campaign, campaign-to-crm or opt-in-out.") var workflow: String
        @Option(help: "Seconds between polls.") var interval: Double = 1
        @Option(help: "Give up after this many seconds (0: never).") var timeout: Double = 0
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            _ = try workflowName(workflow)
            guard interval >= 0.1 else { throw ValidationError("--interval must be at least 0.1 seconds") }
            guard timeout >= 0 else { throw ValidationError("--timeout must not be negative") }
        }

        func run() async throws {
            let item = try await DrainWatcher(client: try client.client(), workflow: workflow, interval: interval, timeout: timeout).run()
            if output.json { try JSONOutput.print(item) }
        }
    }
}

/// Polls a workflow until its backlog is 0 while it runs, drawing `DrainProgress`.
/// Fails when the workflow goes FAILED or the timeout passes.
struct DrainWatcher {
    let client: ControlClient
    let workflow: String
    let interval: Double
    let timeout: Double

    @discardableResult
    func run() async throws -> Any {
        var progress = DrainProgress()
        let started = Date()
        var toldStopped = false
        while true {
            let answer = try await client.json("GET", "/api/workflows/\(workflow)")
            let item = answer as? [String: Any] ?? [:]
            let status = item["status"] as? String ?? "?"
            let backlog = (item["backlog"] as? NSNumber)?.int64Value ?? 0
            progress.update(backlog: backlog, status: status)
            switch status {
            case "FAILED":
                progress.finish("\(workflow) FAILED")
                throw CLIError("\(workflow) FAILED: \(item["lastError"] as? String ?? "no reason given")")
            case "RUNNING" where backlog == 0:
                progress.finish("\(workflow): backlog drained (peak \(NumberText.grouped(progress.peak)))")
                return answer
            case "STOPPED" where !toldStopped:
                toldStopped = true
                FileHandle.standardError.write(Data("\n\(workflow) is STOPPED: nothing drains until crmbridge workflows start \(workflow)\n".utf8))
            default:
                break
            }
            if timeout > 0 && Date().timeIntervalSince(started) > timeout {
                progress.finish("")
                throw CLIError("\(workflow): backlog still \(NumberText.grouped(backlog)) after \(Int(timeout))s")
            }
            try await Task.sleep(for: .milliseconds(Int(interval * 1000)))
        }
    }
}
