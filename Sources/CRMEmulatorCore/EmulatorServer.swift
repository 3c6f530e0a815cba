import Hummingbird
import Logging

/// Composes the emulated CRMs, the fault middleware and the admin API into one
/// HTTP server. The Dynamics and Salesforce paths do not overlap, so one server
/// hosts both: `DYNAMICS_URL` and `SALESFORCE_URL` may point at the same address.
public struct EmulatorServer: Sendable {
    public let crms: [any EmulatedCRM]
    public let faults = FaultInjector()
    public let counters = RequestCounters()

    public init(crms: [any EmulatedCRM]) {
        self.crms = crms
    }

    public func makeRouter() -> Router<EmulatorContext> {
        let router = Router(context: EmulatorContext.self)
        router.add(middleware: FaultMiddleware(crms: crms, faults: faults, counters: counters))
        router.get("healthz") { _, _ in "ok" }
        EmulatorAdminRoutes.add(to: router, crms: crms, faults: faults, counters: counters)
        for crm in crms { crm.addRoutes(to: router) }
        return router
    }

    /// The Hummingbird application; `onServerRunning` receives the bound port
    /// (useful with port 0).
    public func makeApplication(
        host: String, port: Int, logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(host, port: port), serverName: "crm-emulator"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
