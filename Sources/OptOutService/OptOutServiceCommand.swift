import ArgumentParser
import Config
import Logging
import WorkflowRuntime

/// OptOutService: the opt-in-out workflow. Each role is its own process:
/// `OptOutService crm-reader` and `OptOutService campaign-reader` (one active instance
/// each, others stand by) publish each side's opt-out changes; `OptOutService writer`
/// (scale freely; group `crmbridge.opt-in-out.writer`) applies each side's changes to
/// the other with the conflict rule. A role whose direction the mode switches off idles.
@main
struct OptOutServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "OptOutService",
        abstract: "opt-in-out: keeps the CRM's opt-out flag and Campaign's blocklist in step.",
        subcommands: [CRMReader.self, CampaignReader.self, Writer.self])

    struct Options: ParsableArguments {
        @Option(help: "The configuration file (default $CRMBRIDGE_CONFIG or crmbridge.yaml).") var config: String?
        @Option(help: ArgumentHelp(stringLiteral: RoleProcess.metricsPortHelp)) var metricsPort: Int?
        @Option(help: ArgumentHelp(stringLiteral: RoleProcess.metricsHostHelp)) var metricsHost: String?
    }

    struct CRMReader: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "crm-reader",
            abstract: "Reads changes of the CRM's opt-out field into crmbridge.opt-in-out.from-crm.")
        @OptionGroup var options: Options

        func run() async throws {
            try await OptOutServiceCommand.run(role: OptOutRoles.crmReader, options: options, needs: [.kafka, .crm]) { base, logger in
                CRMChangeReader(base: base, logger: logger).run
            }
        }
    }

    struct CampaignReader: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "campaign-reader",
            abstract: "Reads changes of Campaign's blocklist into crmbridge.opt-in-out.from-campaign.")
        @OptionGroup var options: Options

        func run() async throws {
            try await OptOutServiceCommand.run(role: OptOutRoles.campaignReader, options: options, needs: [.kafka]) { base, logger in
                CampaignChangeReader(base: base, logger: logger).run
            }
        }
    }

    struct Writer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Applies each side's opt-out changes to the other side, with the conflict rule.")
        @OptionGroup var options: Options

        func run() async throws {
            try await OptOutServiceCommand.run(role: OptOutRoles.writer, options: options, needs: [.kafka, .crm]) { base, logger in
                OptOutWriter(base: base, logger: logger).run
            }
        }
    }

    static func run(
        role: String, options: Options, needs: Set<RoleHealth.Dependency>,
        work: (CRMBridgeConfig, Logger) -> RoleSupervisor.Work
    ) async throws {
        try await RoleProcess.runRole(
            workflow: .optInOut, role: role, service: "opt-in-out", config: options.config,
            metricsPort: options.metricsPort, metricsHost: options.metricsHost, needs: needs, work: work)
    }
}
