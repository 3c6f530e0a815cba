import ArgumentParser
import Config
import Logging
import WorkflowRuntime

/// EgressService: the campaign-to-crm workflow. Each role is its own process:
/// `EgressService reader` (one active per workflow, others stand by) and
/// `EgressService writer` (scale freely; they share the consumer group).
@main
struct EgressServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "EgressService",
        abstract: "campaign-to-crm: reads Campaign into Kafka (reader) and Kafka into the CRM (writer).",
        subcommands: [Reader.self, Writer.self])

    struct Options: ParsableArguments {
        @Option(help: "The configuration file (default $CRMBRIDGE_CONFIG or crmbridge.yaml).") var config: String?
        @Option(help: ArgumentHelp(stringLiteral: RoleProcess.metricsPortHelp)) var metricsPort: Int?
        @Option(help: ArgumentHelp(stringLiteral: RoleProcess.metricsHostHelp)) var metricsHost: String?
    }

    struct Reader: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reads new rows of Campaign's email_events into crmbridge.campaign-to-crm.email-events.")
        @OptionGroup var options: Options

        func run() async throws {
            try await EgressServiceCommand.run(role: "reader", options: options, needs: [.kafka]) { base, logger in
                EmailEventReader(base: base, logger: logger).run
            }
        }
    }

    struct Writer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Writes the email events of crmbridge.campaign-to-crm.email-events into the CRM.")
        @OptionGroup var options: Options

        func run() async throws {
            try await EgressServiceCommand.run(role: "writer", options: options, needs: [.kafka, .crm]) { base, logger in
                EgressWriter(base: base, logger: logger).run
            }
        }
    }

    static func run(
        role: String, options: Options, needs: Set<RoleHealth.Dependency>,
        work: (CRMBridgeConfig, Logger) -> RoleSupervisor.Work
    ) async throws {
        try await RoleProcess.runRole(
            workflow: .campaignToCRM, role: role, service: "egress", config: options.config,
            metricsPort: options.metricsPort, metricsHost: options.metricsHost, needs: needs, work: work)
    }
}
