import ArgumentParser

/// `crmbridge`: the operator's command line for CRM Bridge.
struct CRMBridgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crmbridge",
        abstract: "Operate CRM Bridge: workflows, replays, options, rejects, local tooling.",
        discussion: """
            Talks to the control service at $CRMBRIDGE_CONTROL_URL with $CRMBRIDGE_API_TOKEN; \
            when they are not set, reads them from .crmbridge/stack.env (written by make run) \
            in this directory or a parent.
            """,
        subcommands: [
            WorkflowsCommand.self, ReplayCommand.self, OptionsCommand.self, RejectsCommand.self,
            DevBrokerCommand.self, DemoSchemaCommand.self,
        ])
}
