import ArgumentParser

/// `ControlService`: the workflow control API, the Workflows page and `/metrics`.
@main
struct ControlServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ControlService",
        abstract: "CRM Bridge control service: workflow status, backlog, Edit/Start/Stop, replays.",
        subcommands: [ServeCommand.self],
        defaultSubcommand: ServeCommand.self)
}
