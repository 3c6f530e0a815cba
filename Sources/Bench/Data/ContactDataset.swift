import CoreValues
import Foundation
import HTTPBridge
import KafkaBridge

/// The emulator's contacts as the bench holds them, column by column: fetched once by a
/// plain client, then turned into the very envelopes the reader publishes and the very
/// rows the writer upserts, so every ceiling moves the same data as the product.
struct ContactDataset: Sendable {
    /// The CRM fields the benchmark workflow maps, in `profiles` column order.
    static let fields = ["firstname", "lastname", "emailaddress1", "telephone1", "birthdate"]
    static let columns = ["first_name", "last_name", "email", "phone", "birth_date"]

    var ids: [String] = []
    /// `modifiedon` as the CRM sent it, and parsed.
    var modifiedText: [String] = []
    var modifiedAt: [Date] = []
    /// One array per entry of `fields`.
    var values: [[String?]] = Array(repeating: [], count: ContactDataset.fields.count)

    var count: Int { ids.count }

    /// What fetching the dataset cost: the time spent in requests only (decoding excluded).
    struct Fetch: Sendable {
        var dataset: ContactDataset
        var requestSeconds: Double
        var pages: Int
        var bytes: Int
    }

    /// Reads every contact with the reader's query (`$select` of the mapped fields, ordered
    /// by `modifiedon, contactid`, `odata.maxpagesize`), following `@odata.nextLink`.
    static func fetch(from emulator: EmulatorClient, pageSize: Int) async throws -> Fetch {
        let token = try await emulator.token()
        let headers = EmulatorClient.readHeaders(token: token, pageSize: pageSize)
        var next: String? = HTTPRequest.url(emulator.webAPIURL + "contacts", query: [
            ("$select", (["contactid", "modifiedon"] + fields).joined(separator: ",")),
            ("$orderby", "modifiedon,contactid"),
        ])
        var result = Fetch(dataset: ContactDataset(), requestSeconds: 0, pages: 0, bytes: 0)
        let decoder = JSONDecoder()
        while let url = next {
            let started = ContinuousClock.now
            let response = try await emulator.http.execute(HTTPRequest(url: url, headers: headers, timeout: .seconds(300)))
            result.requestSeconds += Stopwatch.seconds(since: started)
            guard response.status == 200 else {
                throw BenchError("emulator page \(result.pages + 1) answered \(response.status): \(response.bodyText.prefix(300))")
            }
            result.pages += 1
            result.bytes += response.body.count
            let page = try decoder.decode(EmulatorContactPage.self, from: Data(response.body))
            try result.dataset.append(page.value)
            next = page.nextLink
        }
        return result
    }

    private mutating func append(_ rows: [EmulatorContactPage.Row]) throws {
        for row in rows {
            guard case .success(let parsed) = DateTimeText.parse(row.modifiedon) else {
                throw BenchError("contact \(row.contactid) has an unreadable modifiedon")
            }
            ids.append(row.contactid)
            modifiedText.append(row.modifiedon)
            modifiedAt.append(parsed.date)
            let fieldValues = [row.firstname, row.lastname, row.emailaddress1, row.telephone1, row.birthdate]
            for (index, value) in fieldValues.enumerated() { values[index].append(value) }
        }
    }

    /// Record `index` as the reader's envelope: every selected field, nulls included.
    func envelope(_ index: Int, entity: String) -> Envelope {
        var fields: [String: FieldValue] = [
            "contactid": .string(ids[index]), "modifiedon": .string(modifiedText[index]),
        ]
        for (position, name) in Self.fields.enumerated() {
            fields[name] = values[position][index].map(FieldValue.string) ?? .null
        }
        return Envelope(op: .upsert, system: .dynamics, entity: entity, id: ids[index], modifiedAt: modifiedAt[index], fields: fields)
    }

    /// Records `range` as Kafka records on `topic`, keyed and with headers as the reader sends them.
    func kafkaRecords(_ range: Range<Int>, topic: String, entity: String) -> [KafkaRecord] {
        let headers = [
            KafkaHeader(name: EnvelopeHeaders.configVersion, value: "1"),
            KafkaHeader(name: EnvelopeHeaders.traceID, value: "bench"),
        ]
        return range.map { index in
            KafkaRecord(topic: topic, key: Array(ids[index].utf8), value: envelope(index, entity: entity).encoded(), headers: headers)
        }
    }

    /// Records `range` as the writer's text columns: id, modified (RFC 3339), then `columns`.
    func rowColumns(_ range: Range<Int>) -> [[String?]] {
        var columns: [[String?]] = [ids[range].map { $0 }, modifiedAt[range].map { DateTimeText.rfc3339($0) }]
        for position in Self.fields.indices { columns.append(Array(values[position][range])) }
        return columns
    }

    /// `0..<count` in slices of `size`.
    func batches(of size: Int) -> [Range<Int>] {
        stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
    }
}
