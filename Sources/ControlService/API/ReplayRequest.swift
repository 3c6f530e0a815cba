import CoreValues
import Foundation
import KafkaBridge

/// The body of `POST /api/workflows/{name}/replay`:
/// `{"entity": "contact", "from": "earliest" | "<RFC 3339 time>"}` re-delivers the
/// entity's topic; `{"entity": "contact", "resync": true}` re-reads it from the CRM.
struct ReplayRequest: Sendable, Equatable {
    enum Mode: Sendable, Equatable {
        case offsets(KafkaOffsetResetTarget, text: String)
        case resync
    }

    var entity: String
    var mode: Mode

    private struct Body: Decodable {
        var entity: String?
        var from: String?
        var resync: Bool?
    }

    static let expected = #"{"entity": "<name>", "from": "earliest" | "<RFC 3339 time>"} or {"entity": "<name>", "resync": true}"#

    static func parse(_ data: Data) throws -> ReplayRequest {
        let body: Body
        do {
            body = try JSONDecoder().decode(Body.self, from: data)
        } catch {
            throw APIError.badRequest("the request body is not \(expected)")
        }
        guard let entity = body.entity?.trimmingCharacters(in: .whitespaces), !entity.isEmpty else {
            throw APIError.badRequest("\"entity\" is missing; expected \(expected)")
        }
        switch (body.from, body.resync ?? false) {
        case (nil, false):
            throw APIError.badRequest("say where to replay from: \"from\" (earliest or an RFC 3339 time) or \"resync\": true")
        case (.some, true):
            throw APIError.badRequest("\"from\" and \"resync\" exclude each other: a resync re-reads the CRM, \"from\" re-reads Kafka")
        case (nil, true):
            return ReplayRequest(entity: entity, mode: .resync)
        case (.some(let from), false):
            if from == "earliest" {
                return ReplayRequest(entity: entity, mode: .offsets(.earliest, text: from))
            }
            switch DateTimeText.parse(from, leniency: .rfc3339) {
            case .success(let time):
                return ReplayRequest(entity: entity, mode: .offsets(.timestamp(time.date), text: from))
            case .failure(let error):
                throw APIError.badRequest("\"from\" must be \"earliest\" or an RFC 3339 time like 2026-01-02T03:04:05Z: \(error.reason)")
            }
        }
    }
}
