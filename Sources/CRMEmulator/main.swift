import ArgumentParser
import CRMEmulatorCore
import Hummingbird
import Logging

/// `crm-emulator`: the Dynamics 365 Web API and the Salesforce REST API, in memory,
/// on one HTTP port. The default CRM of `make run`, and what tests and benchmarks use.
@main
struct CRMEmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crm-emulator",
        abstract: "Emulates the Dynamics 365 Web API and the Salesforce REST API in memory.")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8090
    @Option(help: "Write the bound port to this file once listening.") var portFile: String?
    @Option(help: "Demo records seeded per object at start (contacts, accounts, custom entity).")
    var seed = 1000
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel = "info"

    func run() async throws {
        var logger = Logger(label: "crm-emulator")
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("unknown log level \"\(logLevel)\"")
        }
        logger.logLevel = level
        guard seed >= 0 else { throw ValidationError("--seed must not be negative") }

        let server = EmulatorServer(crms: EmulatorCatalog.makeCRMs(seed: seed, logger: logger))
        let portFile = self.portFile
        let runningLogger = logger
        let app = server.makeApplication(host: host, port: port, logger: logger) { port in
            runningLogger.info("crm-emulator listening", metadata: ["port": "\(port)"])
            if let portFile { try? String(port).write(toFile: portFile, atomically: true, encoding: .utf8) }
        }
        try await app.runService()
    }
}
