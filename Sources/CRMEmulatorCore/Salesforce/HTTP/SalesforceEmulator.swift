import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// The Salesforce REST API (v31.0–v62.0 paths, v60.0 shapes) of one org, in
/// memory: OAuth client credentials, SOQL query/queryAll with cursor paging,
/// getUpdated/getDeleted, sObject and sObject Collections writes, the daily
/// API allocation, and validation rules to produce per-record rejects.
///
/// Wire facts follow `reference/salesforce-rest-api.md`, so a connector works
/// against a real org by changing only its URL and credentials.
public final class SalesforceEmulator: EmulatedCRM {
    public let name = "salesforce"
    let configuration: SalesforceConfiguration
    let logger: Logger
    let state: Mutex<SalesforceOrg>
    /// Fixed at creation, so a reset seeds exactly what the start seeded.
    let seedAnchor: Int64

    static let limitInfoHeader = HTTPField.Name("Sforce-Limit-Info")!
    static let queryOptionsHeader = HTTPField.Name("Sforce-Query-Options")!
    static let contentType = "application/json;charset=UTF-8"

    public init(configuration: SalesforceConfiguration, logger: Logger = Logger(label: "salesforce-emulator")) {
        self.configuration = configuration
        self.logger = logger
        self.seedAnchor = configuration.seedAnchor ?? SalesforceDateTime.truncatedToMinute(SalesforceDateTime.now())
        var org = SalesforceOrg(configuration: configuration)
        SalesforceSeeder.seedDemo(count: configuration.seedCount, into: &org, anchor: seedAnchor)
        self.state = Mutex(org)
    }

    public func addRoutes(to router: Router<EmulatorContext>) {
        router.post("services/oauth2/token") { request, _ in try await self.token(request) }
        router.get("services/data") { request, _ in self.versions(request) }
        for method in [HTTPRequest.Method.get, .post, .patch, .put, .delete, .head] {
            router.on("services/data/**", method: method) { request, _ in await self.handleAPI(request) }
        }
    }

    public func reset() {
        var org = SalesforceOrg(configuration: configuration)
        SalesforceSeeder.seedDemo(count: configuration.seedCount, into: &org, anchor: seedAnchor)
        state.withLock { $0 = org }
    }

    public func owns(path: String) -> Bool {
        path.hasPrefix("/services/")
    }

    public func faultResponse(_ decision: FaultInjector.Decision) -> Response {
        let usage = state.withLock { $0.usage.headerValue }
        var headers: HTTPFields = [Self.limitInfoHeader: usage]
        switch decision {
        case .throttle(let retryAfterSeconds):
            // Real Salesforce never answers 429 nor sends Retry-After: it refuses with
            // 403 REQUEST_LIMIT_EXCEEDED. SPEC §7 asks the emulator to inject 429 +
            // Retry-After anyway, so connectors prove they honour it; the body keeps
            // the platform's error shape.
            headers[.retryAfter] = String(retryAfterSeconds)
            return errorResponse(SalesforceAPIError(.tooManyRequests, "REQUEST_LIMIT_EXCEEDED",
                                                    "Too many requests; retry after \(retryAfterSeconds) seconds."), headers: headers)
        case .unavailable:
            return errorResponse(SalesforceAPIError(.serviceUnavailable, "SERVER_UNAVAILABLE",
                                                    "Server temporarily unavailable; please retry."), headers: headers)
        case .none, .truncate:
            return errorResponse(SalesforceAPIError(.internalServerError, "UNKNOWN_EXCEPTION",
                                                    "An unexpected error occurred."), headers: headers)
        }
    }

    // MARK: Responses

    func salesforceResponse(_ json: SalesforceJSONWriter, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = Self.contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: json.buffer))
    }

    func errorResponse(_ error: SalesforceAPIError, headers: HTTPFields = [:]) -> Response {
        var json = SalesforceJSONWriter(capacity: 256)
        error.write(to: &json)
        return salesforceResponse(json, status: error.status, headers: headers)
    }
}
