import CoreValues
import Foundation
import Hummingbird

/// `/admin/salesforce/…`: test and demo controls.
///
/// - `POST seed?object=Contact&count=N` — N more deterministic records.
/// - `GET counts` — live and deleted rows per object.
/// - `POST tokens/expire` — every session expires (`INVALID_SESSION_ID` next).
/// - `GET|PUT limits` — daily allocation, usage, replication reach.
/// - `GET|PUT validation-rules` — `[{"object","condition","message","field"?,"name"?}]`.
/// - `POST late` — a record written now but stamped in the past (a late commit).
/// - `POST deleted/purge?object=Contact` — the object's delete log loses every entry so
///   far, as Salesforce's background purge does to a large log: `getDeleted` no longer
///   lists them and its `earliestDateAvailable` becomes now. The recycle bin
///   (`queryAll`) keeps the rows.
extension SalesforceEmulator {
    struct SeedAnswer: Codable { var object: String; var created: Int; var total: Int }
    struct ObjectCount: Codable { var live: Int; var deleted: Int }

    /// `PUT limits` sets the fields it names.
    struct Limits: Codable {
        var dailyApiRequests: Int?
        var apiRequestsUsed: Int?
        var getUpdatedMaxAgeDays: Int?
        var getDeletedMaxAgeDays: Int?
    }

    struct LateAnswer: Codable { var id: String; var systemModstamp: String }

    public func addAdminRoutes(to group: RouterGroup<EmulatorContext>) {
        group.post("seed") { request, _ in try self.adminSeed(request) }
        group.get("counts") { _, _ in try self.adminCounts() }
        group.post("tokens/expire") { _, _ -> HTTPResponse.Status in
            let expired = self.state.withLock { $0.sessions.expireAll() }
            self.logger.info("salesforce sessions expired by admin", metadata: ["sessions": "\(expired)"])
            return .noContent
        }
        group.get("limits") { _, _ in try jsonResponse(self.currentLimits()) }
        group.put("limits") { request, _ in try await self.adminPutLimits(request) }
        group.get("validation-rules") { _, _ in try jsonResponse(self.state.withLock { $0.rules.map(\.definition) }) }
        group.put("validation-rules") { request, _ in try await self.adminPutRules(request) }
        group.post("late") { request, _ in try await self.adminLate(request) }
        group.post("deleted/purge") { request, _ in try self.adminPurgeDeleteLog(request) }
        group.get("bulk") { _, _ in try jsonResponse(self.bulkJobs.settings) }
        group.put("bulk") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 16)
            guard let settings = try? JSONDecoder().decode(SalesforceBulkJobs.Settings.self, from: Data(buffer: body)), settings.unprocessedEvery >= 0 else {
                return try jsonResponse(["error": "body must be {\"unprocessedEvery\": N} with N ≥ 0"], status: .badRequest)
            }
            self.bulkJobs.settings = settings
            return try jsonResponse(settings)
        }
    }

    struct PurgeAnswer: Codable { var object: String; var earliestDateAvailable: String }

    private func adminPurgeDeleteLog(_ request: Request) throws -> Response {
        let parameters = FormDecoding.dictionary(request.uri.query ?? "")
        guard let name = parameters["object"], let schema = SalesforceObjectSchema.byLowercasedName[name.lowercased()] else {
            return try jsonResponse(["error": "object must name one of: \(SalesforceObjectSchema.catalog.map(\.name).joined(separator: ", "))"],
                                    status: .badRequest)
        }
        let now = CivilCalendar.nowWholeSeconds()
        state.withLock { $0.deleteLogPurgedThrough[schema.name.lowercased()] = now }
        logger.info("salesforce delete log purged", metadata: ["object": "\(schema.name)"])
        return try jsonResponse(PurgeAnswer(object: schema.name, earliestDateAvailable: SalesforceDateTime.format(now)))
    }

    private func adminSeed(_ request: Request) throws -> Response {
        let parameters = FormDecoding.dictionary(request.uri.query ?? "")
        guard let name = parameters["object"], let schema = SalesforceObjectSchema.byLowercasedName[name.lowercased()] else {
            return try jsonResponse(["error": "object must name one of: \(SalesforceObjectSchema.catalog.map(\.name).joined(separator: ", "))"],
                                    status: .badRequest)
        }
        guard let count = Int(parameters["count"] ?? ""), (1...5_000_000).contains(count) else {
            return try jsonResponse(["error": "count must be a number between 1 and 5000000"], status: .badRequest)
        }
        let total = state.withLock { org in
            SalesforceSeeder.seed(schema, count: count, into: &org, anchor: seedAnchor)
            return org.table(for: schema).records.count
        }
        logger.info("salesforce records seeded", metadata: ["object": "\(schema.name)", "count": "\(count)"])
        return try jsonResponse(SeedAnswer(object: schema.name, created: count, total: total))
    }

    private func adminCounts() throws -> Response {
        let counts = state.withLock { org in
            Dictionary(uniqueKeysWithValues: SalesforceObjectSchema.catalog.map { schema in
                let table = org.table(for: schema)
                return (schema.name, ObjectCount(live: table.liveCount, deleted: table.deletedCount))
            })
        }
        return try jsonResponse(counts)
    }

    private func currentLimits() -> Limits {
        state.withLock { org in
            Limits(dailyApiRequests: org.usage.allocation, apiRequestsUsed: org.usage.used,
                   getUpdatedMaxAgeDays: Int(org.getUpdatedMaxAge / CivilCalendar.millisecondsPerDay),
                   getDeletedMaxAgeDays: Int(org.getDeletedMaxAge / CivilCalendar.millisecondsPerDay))
        }
    }

    private func adminPutLimits(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 16)
        guard let limits = try? JSONDecoder().decode(Limits.self, from: Data(buffer: body)) else {
            return try jsonResponse(["error": "body must be a JSON object with dailyApiRequests, apiRequestsUsed, getUpdatedMaxAgeDays, getDeletedMaxAgeDays"],
                                    status: .badRequest)
        }
        let values = [limits.dailyApiRequests, limits.apiRequestsUsed, limits.getUpdatedMaxAgeDays, limits.getDeletedMaxAgeDays]
        guard values.allSatisfy({ ($0 ?? 0) >= 0 }) else {
            return try jsonResponse(["error": "limits must not be negative"], status: .badRequest)
        }
        guard [limits.getUpdatedMaxAgeDays, limits.getDeletedMaxAgeDays].allSatisfy({ ($0 ?? 0) <= 36_500 }) else {
            return try jsonResponse(["error": "replication reach must be at most 36500 days"], status: .badRequest)
        }
        state.withLock { org in
            if let allocation = limits.dailyApiRequests { org.usage.allocation = allocation }
            if let used = limits.apiRequestsUsed { org.usage.setUsed(used) }
            if let days = limits.getUpdatedMaxAgeDays { org.getUpdatedMaxAge = Int64(days) * CivilCalendar.millisecondsPerDay }
            if let days = limits.getDeletedMaxAgeDays { org.getDeletedMaxAge = Int64(days) * CivilCalendar.millisecondsPerDay }
        }
        let current = currentLimits()
        logger.info("salesforce limits changed", metadata: [
            "dailyApiRequests": "\(current.dailyApiRequests ?? 0)", "apiRequestsUsed": "\(current.apiRequestsUsed ?? 0)",
        ])
        return try jsonResponse(current)
    }

    private func adminPutRules(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 20)
        guard let definitions = try? JSONDecoder().decode([SalesforceValidationRule.Definition].self, from: Data(buffer: body)) else {
            return try jsonResponse(["error": "body must be a JSON array of {object, condition, message, field?, name?}"], status: .badRequest)
        }
        var rules: [SalesforceValidationRule] = []
        var problems: [String] = []
        for (offset, definition) in definitions.enumerated() {
            do {
                rules.append(try SalesforceValidationRule(definition))
            } catch {
                problems.append("rule \(offset): \(error.errorCode): \(error.message)")
            }
        }
        guard problems.isEmpty else { return try jsonResponse(["errors": problems], status: .badRequest) }
        state.withLock { $0.rules = rules }
        logger.info("salesforce validation rules replaced", metadata: ["rules": "\(rules.count)"])
        return try jsonResponse(definitions)
    }
}
