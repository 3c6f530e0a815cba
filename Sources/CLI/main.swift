import ArgumentParser

/// `crmbridge`: the operator's command line for CRM Bridge.
struct CRMBridgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crmbridge",
        abstract: "Operate CRM Bridge: workflows, replays, options, local tooling.",
        subcommands: [DevBrokerCommand.self])
}

/// What `AsyncParsableCommand.main()` does. Called from top-level code, `main()` would
/// resolve to the synchronous `ParsableCommand.main()`, which cannot run async commands;
/// inside an async function the async overloads win.
func runCommandLine() async {
    do {
        var command = try CRMBridgeCommand.parseAsRoot()
        if var asyncCommand = command as? AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            try command.run()
        }
    } catch {
        CRMBridgeCommand.exit(withError: error)
    }
}

await runCommandLine()
