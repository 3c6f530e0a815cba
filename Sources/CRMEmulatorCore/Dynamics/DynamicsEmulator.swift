import Foundation
import Hummingbird
import Logging
import Synchronization

/// The Dynamics 365 / Dataverse Web API in memory: the Microsoft identity platform token
/// endpoint (`POST /{tenant}/oauth2/v2.0/token`) and `/api/data/v9.2/` with queries,
/// paging, change tracking, writes, upserts, alternate keys, `$batch`, service
/// protection limits and validation rules, as documented in
/// `shared/reference/dynamics-web-api.md`.
public final class DynamicsEmulator: EmulatedCRM {
    public let name = "dynamics"
    let configuration: DynamicsConfiguration
    let logger: Logger
    let organization: Mutex<DynamicsOrganization>
    let tokens: DynamicsTokenService
    let protection: DynamicsServiceProtection

    /// Largest request body accepted (a 1000-operation `$batch` fits easily).
    static let maximumBodyBytes = 64 << 20

    public init(configuration: DynamicsConfiguration, logger: Logger = Logger(label: "dynamics-emulator")) {
        self.configuration = configuration
        self.logger = logger
        organization = Mutex(Self.seededOrganization(configuration))
        tokens = DynamicsTokenService(settings: .init(
            clientId: configuration.clientId, clientSecret: configuration.clientSecret, lifetime: configuration.tokenLifetime))
        protection = DynamicsServiceProtection(limits: configuration.limits)
    }

    static func seededOrganization(_ configuration: DynamicsConfiguration) -> DynamicsOrganization {
        var organization = DynamicsOrganization(entities: configuration.entities, retention: configuration.changeTrackingRetention, randomSeed: configuration.randomSeed)
        let order = ["accounts", "contacts", "leads", "opportunities", "crmb_memberships"]
        let sets = configuration.seedCounts.keys.sorted { (order.firstIndex(of: $0) ?? order.count, $0) < (order.firstIndex(of: $1) ?? order.count, $1) }
        for set in sets {
            DynamicsSeeder.seed(set, count: configuration.seedCounts[set] ?? 0, randomSeed: configuration.randomSeed, in: &organization)
        }
        return organization
    }

    public func addRoutes(to router: Router<EmulatorContext>) {
        router.post("{tenant}/oauth2/v2.0/token") { request, context in
            try await self.token(request, context: context)
        }
        for method in [HTTPRequest.Method.get, .post, .patch, .delete, .put] {
            router.on("api/data/v9.2", method: method) { request, context in
                try await self.webAPI(request, context: context)
            }
            router.on("api/data/v9.2/**", method: method) { request, context in
                try await self.webAPI(request, context: context)
            }
        }
    }

    public func addAdminRoutes(to group: RouterGroup<EmulatorContext>) {
        DynamicsAdminRoutes.add(to: group, emulator: self)
    }

    public func reset() {
        let fresh = Self.seededOrganization(configuration)
        organization.withLock { $0 = fresh }
        tokens.reset()
        protection.reset()
    }

    public func owns(path: String) -> Bool {
        if path.hasPrefix("/api/data/") { return true }
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        return segments.count >= 3 && segments[1] == "oauth2" && segments[2] == "v2.0"
    }

    public func faultResponse(_ decision: FaultInjector.Decision) -> Response {
        switch decision {
        case .throttle(let seconds):
            return DynamicsWebResponse(error: DynamicsServiceProtection.throttled(
                "0x80072322", "Number of requests exceeded the limit of \(configuration.limits.requests) over time window of \(configuration.limits.windowSeconds) seconds.",
                retryAfter: max(1, seconds))).response
        case .refuse(let refusal):
            return DynamicsWebResponse(error: DynamicsError(HTTPResponse.Status(code: refusal.status), code: refusal.code, refusal.message)).response
        default:
            return DynamicsWebResponse(error: DynamicsError(
                .serviceUnavailable, code: "", "The service is temporarily unavailable. Please try again later.")).response
        }
    }
}
