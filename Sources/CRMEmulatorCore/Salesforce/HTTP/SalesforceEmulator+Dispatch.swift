import CoreValues
import Foundation
import Hummingbird

/// `/services/data/…`: the version, the session, the daily allocation, then
/// the resource. Every authenticated answer carries `Sforce-Limit-Info`.
extension SalesforceEmulator {
    func handleAPI(_ request: Request) async -> Response {
        let components = request.uri.path.split(separator: "/").map { PercentEncoding.decode($0, plusIsSpace: false) }
        let now = CivilCalendar.nowWholeSeconds()
        let token = Self.bearerToken(request)
        let timeout = configuration.sessionTimeout.milliseconds
        // Only calls with a live session count against the allocation.
        let admission: (user: String?, allowed: Bool, usage: String) = state.withLock { org in
            guard let token, let user = org.sessions.user(token, now: now, timeout: timeout) else { return (nil, false, org.usage.headerValue) }
            let allowed = org.usage.consume(now: now)
            return (user, allowed, org.usage.headerValue)
        }
        let headers: HTTPFields = [SalesforceHeaders.limitInfo: admission.usage]
        guard components.count >= 3, isSupported(version: components[2]) else { return errorResponse(.notFound, headers: headers) }
        guard let user = admission.user else { return errorResponse(.invalidSession, headers: headers) }
        guard admission.allowed else { return errorResponse(.requestLimitExceeded, headers: headers) }

        let api = SalesforceAPIRequest(
            request: request, version: components[2], path: Array(components.dropFirst(3)),
            parameters: FormDecoding.dictionary(request.uri.query ?? ""), now: now)
        // Every write of the request records the session's user (`LastModifiedById`).
        var response = await SalesforceUsers.$acting.withValue(user) { () async -> Response in
            do throws(SalesforceAPIError) {
                return try await route(api)
            } catch {
                return errorResponse(error)
            }
        }
        response.headers[SalesforceHeaders.limitInfo] = admission.usage
        return response
    }

    private func route(_ api: SalesforceAPIRequest) async throws(SalesforceAPIError) -> Response {
        let path = api.path
        switch path.first {
        case "query", "queryAll":
            let includeDeleted = path[0] == "queryAll"
            try api.allow(.get)
            if path.count == 1 { return try query(api, includeDeleted: includeDeleted) }
            if path.count == 2 { return try nextPage(api, locator: path[1]) }
        case "limits" where path.count == 1:
            try api.allow(.get)
            return limits()
        case "sobjects":
            return try await sobjects(api)
        case "composite" where path.count >= 2 && path[1] == "sobjects":
            return try await collections(api)
        case "jobs" where path.count >= 2 && path[1] == "ingest":
            return try await bulkIngest(api)
        default:
            break
        }
        throw .notFound
    }

    /// `GET /services/data/`: the versions served (no session needed).
    func versions(_ request: Request) -> Response {
        var json = SalesforceJSONWriter(capacity: 4096)
        json.raw("[")
        for (offset, number) in configuration.apiVersions.enumerated() {
            if offset > 0 { json.raw(",") }
            json.raw("{\"label\":")
            json.string("API \(number).0")
            json.raw(",\"url\":")
            json.string("/services/data/v\(number).0")
            json.raw(",\"version\":")
            json.string("\(number).0")
            json.raw("}")
        }
        json.raw("]")
        return salesforceResponse(json)
    }

    /// `GET …/limits`: the daily API allocation, as `DailyApiRequests`.
    private func limits() -> Response {
        let usage = state.withLock { $0.usage }
        var json = SalesforceJSONWriter(capacity: 128)
        json.raw("{\"DailyApiRequests\":{\"Max\":")
        json.integer(usage.allocation)
        json.raw(",\"Remaining\":")
        json.integer(max(0, usage.allocation - usage.used))
        json.raw("}}")
        return salesforceResponse(json)
    }

    private func isSupported(version: String) -> Bool {
        guard version.hasPrefix("v"), version.hasSuffix(".0"), let number = Int(version.dropFirst().dropLast(2)) else { return false }
        return configuration.apiVersions.contains(number)
    }

    /// `Authorization: Bearer <token>` (the platform also takes `OAuth <token>`).
    static func bearerToken(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        for scheme in ["Bearer ", "OAuth "] where header.count > scheme.count && header.lowercased().hasPrefix(scheme.lowercased()) {
            return String(header.dropFirst(scheme.count)).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }
}
