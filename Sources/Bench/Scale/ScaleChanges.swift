import Foundation
import PostgresBridge

/// The CRM side of the scale profile's second load: 1% of the contacts changed and
/// another 1% deleted, through the emulator's Web API as CRM users would do it
/// (`PATCH` / `DELETE contacts(<id>)`, the emulator stamping a new `modifiedon`). Which
/// ones: every 100th row of Campaign's `profiles` in id order (position 0 mod 100
/// changed, 50 mod 100 deleted), so exactly N/100 of each, chosen by PostgreSQL without
/// the bench holding the N ids.
struct ScaleChanges: Sendable {
    var changed: [String]
    var deleted: [String]

    /// The value the changed contacts' `telephone1` gets (also their `lastname`'s suffix).
    static func marker(_ index: Int) -> String { "scale-\(index)" }

    static func choose(from database: PostgresConnection) async throws -> ScaleChanges {
        let rows = try await database.query("""
            SELECT crm_id, n % 100 AS kind FROM (
                SELECT crm_id, row_number() OVER (ORDER BY crm_id) AS n FROM profiles) s
            WHERE n % 100 IN (0, 50) ORDER BY crm_id
            """, [])
        var changes = ScaleChanges(changed: [], deleted: [])
        for row in 0..<rows.rowCount {
            guard let id = rows[row, "crm_id"] else { continue }
            if rows[row, "kind"] == "0" { changes.changed.append(id) } else { changes.deleted.append(id) }
        }
        return changes
    }

    /// Sends every change and delete, `concurrency` requests at a time; throws when any
    /// was not answered 204.
    func apply(to emulator: EmulatorClient, concurrency: Int = 16) async throws {
        let token = try await emulator.token()
        let work: [(id: String, index: Int?)] = changed.enumerated().map { ($0.element, $0.offset) } + deleted.map { ($0, nil) }
        var failed = 0
        try await withThrowingTaskGroup(of: Bool.self) { group in
            var next = 0
            func add() {
                let item = work[next]
                next += 1
                group.addTask {
                    guard let index = item.index else { return try await emulator.deleteContact(item.id, token: token) }
                    let marker = Self.marker(index)
                    return try await emulator.patchContact(
                        item.id, json: #"{"telephone1":"\#(marker)","lastname":"Changed \#(marker)"}"#, token: token)
                }
            }
            while next < min(concurrency, work.count) { add() }
            while let ok = try await group.next() {
                if !ok { failed += 1 }
                if next < work.count { add() }
            }
        }
        guard failed == 0 else { throw BenchError("\(failed) of \(work.count) changes and deletes were refused by the emulator") }
    }
}
