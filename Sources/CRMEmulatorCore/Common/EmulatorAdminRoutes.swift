import Foundation
import Hummingbird

/// `/admin/…`: controls shared by both emulated CRMs. Kept apart from the CRM
/// paths so a connector can never reach them by accident.
///
/// - `POST /admin/reset` — every CRM back to its seed, faults off, counters zero.
/// - `GET|PUT /admin/faults` — the `FaultSettings` JSON.
/// - `GET /admin/counters` — `RequestCounters.Snapshot` JSON.
/// - `/admin/<crm>/…` — each CRM's own controls (seeding, token expiry, rules).
enum EmulatorAdminRoutes {
    static func add(to router: Router<EmulatorContext>, crms: [any EmulatedCRM], faults: FaultInjector, counters: RequestCounters) {
        let admin = router.group("admin")
        admin.post("reset") { _, _ -> HTTPResponse.Status in
            crms.forEach { $0.reset() }
            faults.settings = FaultSettings()
            counters.reset()
            return .noContent
        }
        admin.get("faults") { _, _ in try jsonResponse(faults.settings) }
        admin.put("faults") { request, context -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            guard let settings = try? JSONDecoder().decode(FaultSettings.self, from: Data(buffer: body)) else {
                return try jsonResponse(["error": "body must be a FaultSettings JSON object"], status: .badRequest)
            }
            let problems = settings.problems
            guard problems.isEmpty else { return try jsonResponse(["errors": problems], status: .badRequest) }
            faults.settings = settings
            return try jsonResponse(settings)
        }
        admin.get("counters") { _, _ in try jsonResponse(counters.snapshot) }
        for crm in crms {
            crm.addAdminRoutes(to: admin.group(RouterPath(crm.name)))
        }
    }
}

/// A JSON answer with the given status.
func jsonResponse<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
    let data = try JSONEncoder().encode(value)
    var headers = headers
    headers[.contentType] = "application/json; charset=utf-8"
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
}
