import CoreValues
import Foundation
import Hummingbird

/// `/admin/dynamics/…`: test and demo controls.
///
/// - `POST seed?entity=contacts&count=N` — N more deterministic rows (up to
///   `maximumSeedCount` a call; generated when read, so a call takes no time).
/// - `POST mutate?entity=contacts&change=0.01&delete=0.01` — changes one share of the
///   seeded rows and deletes another (`DynamicsOrganization.mutate`).
/// - `GET counts` — rows per entity set.
/// - `POST tokens/expire` — every issued token expires now; `GET|PUT tokens`
///   `{"lifetimeSeconds":N}` sets the lifetime of tokens issued from now on.
/// - `GET|PUT limits` — `DynamicsServiceLimits` JSON.
/// - `GET|PUT validation-rules` — an array of `DynamicsValidationRule`.
/// - `POST late?entity=contacts&secondsAgo=N` (or `&modifiedon=<ISO>`) with a record
///   body — inserts a row whose `modifiedon` lies in the past (a late commit).
/// - `GET|PUT change-tracking` — `{"retentionSeconds":N}`.
enum DynamicsAdminRoutes {
    struct Seeded: Codable { var entity: String; var seeded: Int; var count: Int }
    struct Late: Codable { var id: String; var modifiedon: String; var version: Int64 }
    struct Retention: Codable { var retentionSeconds: Int }
    struct TokenLifetime: Codable { var lifetimeSeconds: Int }
    struct Problems: Codable { var errors: [String] }

    /// Rows one seeding call may add; seeded rows cost nothing until read.
    static let maximumSeedCount = 50_000_000

    static func add(to group: RouterGroup<EmulatorContext>, emulator: DynamicsEmulator) {
        group.post("seed") { request, _ -> Response in
            let entity = request.uri.queryParameters.get("entity") ?? "contacts"
            guard let count = request.uri.queryParameters.get("count", as: Int.self), (0...maximumSeedCount).contains(count) else {
                return try jsonResponse(Problems(errors: ["count must be an integer between 0 and \(maximumSeedCount)"]), status: .badRequest)
            }
            let seed = emulator.configuration.randomSeed
            let total: Int? = emulator.organization.withLock { organization in
                guard organization.tables[entity] != nil else { return nil }
                DynamicsSeeder.seed(entity, count: count, randomSeed: seed, in: &organization)
                return organization.tables[entity]?.count
            }
            guard let total else { return try jsonResponse(Problems(errors: ["unknown entity set '\(entity)'"]), status: .notFound) }
            return try jsonResponse(Seeded(entity: entity, seeded: count, count: total))
        }
        group.post("mutate") { request, _ -> Response in
            try mutate(request, emulator: emulator)
        }
        group.get("counts") { _, _ in
            try jsonResponse(emulator.organization.withLock { $0.tables.mapValues(\.count) })
        }
        group.post("tokens/expire") { _, _ -> HTTPResponse.Status in
            emulator.tokens.expireAll()
            return .noContent
        }
        group.get("tokens") { _, _ in
            try jsonResponse(TokenLifetime(lifetimeSeconds: Int(emulator.tokens.lifetime.components.seconds)))
        }
        group.put("tokens") { request, _ -> Response in
            guard let body: TokenLifetime = try await decode(request), body.lifetimeSeconds >= 0 else {
                return try jsonResponse(Problems(errors: ["body must be {\"lifetimeSeconds\": N} with N >= 0"]), status: .badRequest)
            }
            emulator.tokens.lifetime = .seconds(body.lifetimeSeconds)
            return try jsonResponse(body)
        }
        group.get("limits") { _, _ in try jsonResponse(emulator.protection.limits) }
        // Execution time charged against the service-protection budget since the last reset.
        group.get("usage") { _, _ in try jsonResponse(["executionMilliseconds": emulator.protection.chargedMilliseconds]) }
        group.put("limits") { request, _ -> Response in
            guard let limits: DynamicsServiceLimits = try await decode(request) else {
                return try jsonResponse(Problems(errors: ["body must be a DynamicsServiceLimits JSON object"]), status: .badRequest)
            }
            guard limits.problems.isEmpty else { return try jsonResponse(Problems(errors: limits.problems), status: .badRequest) }
            emulator.protection.limits = limits
            return try jsonResponse(limits)
        }
        group.get("validation-rules") { _, _ in try jsonResponse(emulator.organization.withLock { $0.validationRules }) }
        group.put("validation-rules") { request, _ -> Response in
            guard let rules: [DynamicsValidationRule] = try await decode(request) else {
                return try jsonResponse(Problems(errors: ["body must be an array of validation rules"]), status: .badRequest)
            }
            let problems = emulator.organization.withLock { organization in
                let problems = rules.flatMap { $0.problems(tables: organization.tables) }
                if problems.isEmpty { organization.validationRules = rules }
                return problems
            }
            guard problems.isEmpty else { return try jsonResponse(Problems(errors: problems), status: .badRequest) }
            return try jsonResponse(rules)
        }
        group.get("change-tracking") { _, _ in
            try jsonResponse(Retention(retentionSeconds: Int(emulator.organization.withLock { $0.retentionMilliseconds } / 1000)))
        }
        group.put("change-tracking") { request, _ -> Response in
            guard let body: Retention = try await decode(request), body.retentionSeconds >= 0 else {
                return try jsonResponse(Problems(errors: ["body must be {\"retentionSeconds\": N} with N >= 0"]), status: .badRequest)
            }
            emulator.organization.withLock { $0.retentionMilliseconds = Int64(body.retentionSeconds) * 1000 }
            return try jsonResponse(body)
        }
        group.post("late") { request, _ -> Response in
            try await late(request, emulator: emulator)
        }
    }

    /// Changes and deletes shares of the seeded rows.
    private static func mutate(_ request: Request, emulator: DynamicsEmulator) throws -> Response {
        let entity = request.uri.queryParameters.get("entity") ?? "contacts"
        let parameters = request.uri.queryParameters
        guard let change = parameters.get("change").map({ Double($0) }) ?? 0, let delete = parameters.get("delete").map({ Double($0) }) ?? 0,
              (0...1).contains(change), (0...1).contains(delete), change + delete <= 1 else {
            return try jsonResponse(Problems(errors: ["change and delete must be shares between 0 and 1 whose sum is at most 1"]), status: .badRequest)
        }
        let now = CivilCalendar.nowWholeSeconds()
        let result: Result<DynamicsOrganization.MutateResult, DynamicsError> = emulator.organization.withLock { organization in
            do throws(DynamicsError) {
                return .success(try organization.mutate(set: entity, change: change, delete: delete, now: now))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let answer): return try jsonResponse(answer)
        case .failure: return try jsonResponse(Problems(errors: ["unknown entity set '\(entity)'"]), status: .notFound)
        }
    }

    /// Inserts a row whose `modifiedon` is in the past, as a transaction that committed late.
    private static func late(_ request: Request, emulator: DynamicsEmulator) async throws -> Response {
        let entity = request.uri.queryParameters.get("entity") ?? "contacts"
        let now = CivilCalendar.nowWholeSeconds()
        let modifiedOn: Int64
        if let text = request.uri.queryParameters.get("modifiedon") {
            guard let ms = DynamicsDateTime.parseDateTime(Substring(text)) else {
                return try jsonResponse(Problems(errors: ["modifiedon must be like 2024-01-01T00:00:00Z"]), status: .badRequest)
            }
            modifiedOn = ms / 1000 * 1000
        } else {
            let seconds = request.uri.queryParameters.get("secondsAgo", as: Int.self) ?? 60
            modifiedOn = now - Int64(max(0, seconds)) * 1000
        }
        let body = try await request.body.collect(upTo: 1 << 20)
        let bytes = body.readableBytes == 0 ? Array("{}".utf8) : Array(buffer: body)
        let result: Result<DynamicsRecord, DynamicsError> = emulator.organization.withLock { organization in
            do throws(DynamicsError) {
                let definition = try organization.definition(set: entity)
                let payload = try DynamicsRecordPayload(bytes: bytes, entity: definition)
                return .success(try organization.create(in: entity, id: nil, payload: payload, modifiedOn: modifiedOn, now: now))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let record):
            return try jsonResponse(Late(id: record.id.dynamicsString, modifiedon: DynamicsDateTime.format(milliseconds: modifiedOn), version: record.version), status: .created)
        case .failure(let error):
            return DynamicsWebResponse(error: error).response
        }
    }

    private static func decode<T: Decodable>(_ request: Request) async throws -> T? {
        let body = try await request.body.collect(upTo: 1 << 20)
        return try? JSONDecoder().decode(T.self, from: Data(buffer: body))
    }
}
