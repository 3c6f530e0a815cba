import CoreValues
import Foundation
import HTTPBridge
import PostgresBridge

/// A count and an order-independent checksum of the contacts on one side: the CRM (every
/// contact, paged as the reader pages them) or Campaign (every row of `profiles`, in keyset
/// pages). Both sides hash the same canonical row — id, last-modified in epoch
/// milliseconds, then the five mapped fields, NULL distinct from any text — with 64-bit
/// FNV-1a and add the hashes (wrapping), so equal sets give equal sums whatever the order,
/// and neither side is ever held in memory.
struct ScaleChecksum: Sendable, Equatable, CustomStringConvertible {
    var count = 0
    var sum: UInt64 = 0

    var description: String { "\(BenchReport.count(count)) rows, checksum \(String(sum, radix: 16))" }

    mutating func add(id: String, modifiedMilliseconds: Int64, values: [String?]) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        func field(_ text: String?) {
            if let text {
                mix(1)
                for byte in text.utf8 { mix(byte) }
            } else {
                mix(0)
            }
            mix(0x1f)
        }
        field(id)
        field(String(modifiedMilliseconds))
        for value in values { field(value) }
        count += 1
        sum = sum &+ hash
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    /// Every contact of the emulator, through its Web API (the reader's `$select` and order).
    static func crm(_ emulator: EmulatorClient, pageSize: Int) async throws -> ScaleChecksum {
        let token = try await emulator.token()
        let headers = EmulatorClient.readHeaders(token: token, pageSize: pageSize)
        var next: String? = HTTPRequest.url(emulator.webAPIURL + "contacts", query: [
            ("$select", (["contactid", "modifiedon"] + ContactDataset.fields).joined(separator: ",")),
            ("$orderby", "modifiedon,contactid"),
        ])
        var checksum = ScaleChecksum()
        let decoder = JSONDecoder()
        while let url = next {
            let response = try await emulator.http.execute(HTTPRequest(url: url, headers: headers, timeout: .seconds(300)))
            guard response.status == 200 else {
                throw BenchError("emulator page answered \(response.status): \(response.bodyText.prefix(300))")
            }
            let page = try decoder.decode(EmulatorContactPage.self, from: Data(response.body))
            for row in page.value {
                guard case .success(let parsed) = DateTimeText.parse(row.modifiedon) else {
                    throw BenchError("contact \(row.contactid) has an unreadable modifiedon")
                }
                checksum.add(
                    id: row.contactid, modifiedMilliseconds: milliseconds(parsed.date),
                    values: [row.firstname, row.lastname, row.emailaddress1, row.telephone1, row.birthdate])
            }
            next = page.nextLink
        }
        return checksum
    }

    /// Every row of Campaign's `profiles`, in pages of `pageSize` by id.
    static func campaign(_ database: PostgresConnection, pageSize: Int = 50_000) async throws -> ScaleChecksum {
        var checksum = ScaleChecksum()
        var after = ""
        while true {
            let rows = try await database.query("""
                SELECT crm_id, (extract(epoch FROM crm_modified_at) * 1000)::bigint AS ms,
                       first_name, last_name, email, phone, birth_date::text AS birth
                FROM profiles WHERE crm_id > $1 ORDER BY crm_id LIMIT \(pageSize)
                """, [after])
            guard rows.rowCount > 0 else { return checksum }
            for row in 0..<rows.rowCount {
                guard let id = rows[row, "crm_id"], let ms = rows[row, "ms"].flatMap({ Int64($0) }) else {
                    throw BenchError("a profiles row without crm_id or crm_modified_at")
                }
                checksum.add(id: id, modifiedMilliseconds: ms, values: [
                    rows[row, "first_name"], rows[row, "last_name"], rows[row, "email"], rows[row, "phone"], rows[row, "birth"],
                ])
                after = id
            }
        }
    }
}
