import ArgumentParser
import Logging
import WorkflowRuntime

/// IngressService: the crm-to-campaign workflow. Each role is its own process:
/// `IngressService reader` (one active per workflow, others stand by) and
/// `IngressService writer` (scale freely; they share the consumer group).
@main
struct IngressServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "IngressService",
        abstract: "crm-to-campaign: reads the CRM into Kafka (reader) and Kafka into Campaign (writer).")

    enum Role: String, ExpressibleByArgument, CaseIterable {
        case reader, writer
    }

    @Argument(help: "The role to run: reader or writer.") var role: Role
    @Option(help: "The configuration file (default $CRMBRIDGE_CONFIG or crmbridge.yaml).") var config: String?

    func run() async throws {
        let logger = RoleProcess.bootstrapLogging(label: "crmbridge.ingress.\(role.rawValue)")
        let base = try RoleProcess.loadConfig(RoleProcess.configPath(config))
        let work: RoleSupervisor.Work
        switch role {
        case .reader: work = IngressReader(base: base, logger: logger).run
        case .writer: work = IngressWriter(base: base, logger: logger).run
        }
        let supervisor = RoleSupervisor(
            configuration: .init(workflow: .crmToCampaign, role: role.rawValue,
                                 databaseURL: base.connections.campaign.databaseURL),
            logger: logger, work: work)
        try await RoleProcess.run([supervisor], config: base, logger: logger)
    }
}
