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
    @Option(help: ArgumentHelp(stringLiteral: RoleProcess.metricsPortHelp)) var metricsPort: Int?
    @Option(help: ArgumentHelp(stringLiteral: RoleProcess.metricsHostHelp)) var metricsHost: String?

    func run() async throws {
        // What /healthz waits for besides the Campaign database: the reader reads the CRM
        // into Kafka, the writer Kafka into Campaign.
        let needs: Set<RoleHealth.Dependency> = role == .reader ? [.crm, .kafka] : [.kafka]
        try await RoleProcess.runRole(
            workflow: .crmToCampaign, role: role.rawValue, service: "ingress", config: config,
            metricsPort: metricsPort, metricsHost: metricsHost, needs: needs
        ) { base, logger in
            switch role {
            case .reader: IngressReader(base: base, logger: logger).run
            case .writer: IngressWriter(base: base, logger: logger).run
            }
        }
    }
}
