import Hummingbird

/// The request context every emulator route uses.
public typealias EmulatorContext = BasicRequestContext

/// One emulated CRM (Dynamics 365 or Salesforce). Each keeps its own in-memory
/// organisation, exactly as two real CRMs share nothing.
public protocol EmulatedCRM: Sendable {
    /// Short name used under `/admin/<name>/…` (e.g. `dynamics`, `salesforce`).
    var name: String { get }
    /// The CRM's documented paths (token endpoint, Web API / REST API).
    func addRoutes(to router: Router<EmulatorContext>)
    /// Test and demo controls, mounted under `/admin/<name>/`.
    func addAdminRoutes(to group: RouterGroup<EmulatorContext>)
    /// Drops every record and token, back to the configured seed.
    func reset()
    /// Whether a request path belongs to this CRM (faults are injected only there).
    func owns(path: String) -> Bool
    /// The answer this CRM gives for an injected 429 or 503, in its documented error shape.
    func faultResponse(_ decision: FaultInjector.Decision) -> Response
}
