import CoreValues
import Foundation
import HTTPBridge

/// Bulk API 2.0 ingest for large writes (Salesforce: above about 2,000 records): create
/// the job, upload one CSV, mark it `UploadComplete`, poll until it ends, then read
/// `successfulResults/`, `failedResults/` and `unprocessedrecords/`. Results come in an
/// order of their own: they are matched to the input by key, never by position (the
/// external id of an upsert, the `Id` of an update; an insert has no key, so by the whole
/// row: rows alike in every value are interchangeable). A failed record is a reject with
/// Salesforce's `sf__Error`; an unprocessed one is answered as such, for the caller to
/// send again.
struct SalesforceBulkIngest: Sendable {
    enum RecordResult: Sendable, Equatable {
        case written
        case rejected(code: String, message: String)
        case unprocessed
    }

    /// The ingest operations.
    enum Operation: String, Sendable {
        case insert, update, upsert, delete
    }

    let call: SalesforceCollectionsCall
    /// Pause between looks at a running job.
    var pollInterval: Duration
    /// Looks before giving up (the job keeps running at Salesforce; the records are sent again).
    var maxPolls: Int

    /// Upserts `rows` (values in `columns` order) by `externalID`, which must be one of
    /// `columns`. Answers a result per row, in the order of `rows`.
    func upsert(object: String, externalID: String, columns: [String], rows: [[String?]]) async throws -> [RecordResult] {
        try await ingest(.upsert, object: object, externalID: externalID, columns: columns, rows: rows)
    }

    /// One job of `operation` over `rows` (values in `columns` order; nil is written as
    /// `#N/A`, null; an empty string leaves the field as it is). An upsert needs
    /// `externalID` among `columns`, an update and a delete `Id`.
    /// Answers a result per row, in the order of `rows`; a row the job did not answer for
    /// is `.unprocessed`.
    func ingest(
        _ operation: Operation, object: String, externalID: String? = nil, columns: [String], rows: [[String?]]
    ) async throws -> [RecordResult] {
        let keyColumns: [String]
        switch operation {
        case .upsert:
            guard let externalID else { preconditionFailure("an upsert needs its external id") }
            keyColumns = [externalID]
        case .update, .delete: keyColumns = ["Id"]
        case .insert: keyColumns = columns
        }
        precondition(keyColumns.allSatisfy(columns.contains), "the key columns must be uploaded")
        let name = "\(operation.rawValue) \(rows.count) \(object) (Bulk API 2.0)"
        var job: [String: Any] = ["object": object, "contentType": "CSV", "operation": operation.rawValue, "lineEnding": "LF"]
        if operation == .upsert { job["externalIdFieldName"] = externalID }
        let created = try await json("POST", call.path("jobs/ingest"), body: Array(try JSONSerialization.data(withJSONObject: job, options: [.sortedKeys])), operation: name)
        guard let id = created["id"] as? String, !id.isEmpty else {
            throw CRMError(system: "salesforce", code: .malformedResponse, operation: name, message: "the job answer has no id", isRetriable: true)
        }
        let csvRows = rows.map { $0.map { $0 ?? "#N/A" } }
        let csv = CSVText.encode([columns] + csvRows)
        _ = try await call.exchange.perform(
            name + " upload", tokens: call.tokens, idempotent: true,
            build: { token in
                HTTPRequest(method: "PUT", url: call.url(call.path("jobs/ingest/\(id)/batches"), token: token),
                            headers: ["Content-Type": "text/csv", "Accept": "application/json"], body: Array(csv.utf8))
            },
            decode: { _ throws(CRMJSON.Problem) in () })
        _ = try await json("PATCH", call.path("jobs/ingest/\(id)"), body: Array(#"{"state":"UploadComplete"}"#.utf8), operation: name)
        var state = ""
        for _ in 0..<maxPolls {
            let info = try await json("GET", call.path("jobs/ingest/\(id)"), body: nil, operation: name + " status")
            state = info["state"] as? String ?? ""
            if ["JobComplete", "Failed", "Aborted"].contains(state) { break }
            try await Task.sleep(for: pollInterval)
        }
        guard state == "JobComplete" else {
            throw CRMError(
                system: "salesforce", code: .unavailable, operation: name,
                message: "the job \(id) ended \(state.isEmpty ? "not in time" : state); its records are sent again", isRetriable: true)
        }
        // The input rows waiting for their result, by key, in input order (a key met
        // twice is answered in turn).
        let keyIndexes = keyColumns.map { column in columns.firstIndex(of: column)! }
        var waiting: [String: [Int]] = [:]
        for (index, row) in csvRows.enumerated() {
            waiting[Self.key(keyIndexes.map { row[$0] }), default: []].append(index)
        }
        var results = [RecordResult](repeating: .unprocessed, count: rows.count)
        for (resource, skip) in [("successfulResults", 2), ("failedResults", 2), ("unprocessedrecords", 0)] {
            let table = try await self.csvRows(call.path("jobs/ingest/\(id)/\(resource)/"), operation: name + " \(resource)")
            guard let header = table.first else { continue }
            let found = keyColumns.map { header.dropFirst(skip).firstIndex(of: $0) }
            guard found.allSatisfy({ $0 != nil }), header.count == columns.count + skip else {
                throw CRMError(
                    system: "salesforce", code: .malformedResponse, operation: name,
                    message: "\(resource) has not the uploaded columns", isRetriable: true)
            }
            for row in table.dropFirst() where row.count == header.count {
                let key = Self.key(found.map { row[$0!] })
                guard var indices = waiting[key], !indices.isEmpty else { continue }
                let index = indices.removeFirst()
                waiting[key] = indices
                switch resource {
                case "successfulResults": results[index] = .written
                case "failedResults": results[index] = Self.rejection(row[1])
                default: results[index] = .unprocessed
                }
            }
        }
        return results
    }

    /// The values of a row's key columns as one string (unit separator between them).
    private static func key(_ values: [String]) -> String { values.joined(separator: "\u{1F}") }

    /// `sf__Error` is `CODE:message` (`INVALID_CROSS_REFERENCE_KEY:invalid cross reference id`).
    static func rejection(_ error: String) -> RecordResult {
        guard let colon = error.firstIndex(of: ":") else { return .rejected(code: "UNKNOWN_ERROR", message: CRMExchange.oneLine(error)) }
        return .rejected(code: String(error[..<colon]), message: CRMExchange.oneLine(String(error[error.index(after: colon)...])))
    }

    private func json(_ method: String, _ path: String, body: [UInt8]?, operation: String) async throws -> [String: Any] {
        let headers: HTTPHeaders = body == nil ? ["Accept": "application/json"] : ["Accept": "application/json", "Content-Type": "application/json"]
        return try await call.exchange.perform(
            operation, tokens: call.tokens, idempotent: method != "POST",
            build: { token in HTTPRequest(method: method, url: call.url(path, token: token), headers: headers, body: body) },
            decode: { response throws(CRMJSON.Problem) in
                guard let object = CRMJSON.anyValue(response.body) as? [String: Any] else {
                    throw CRMJSON.Problem(description: "the job answer is not a JSON object", isTransient: true)
                }
                return object
            })
    }

    private func csvRows(_ path: String, operation: String) async throws -> [[String]] {
        try await call.exchange.perform(
            operation, tokens: call.tokens, idempotent: true,
            build: { token in HTTPRequest(method: "GET", url: call.url(path, token: token), headers: ["Accept": "text/csv"]) },
            decode: { response throws(CRMJSON.Problem) in
                guard let rows = CSVText.decode(String(decoding: response.body, as: UTF8.self)) else {
                    throw CRMJSON.Problem(description: "the results are not CSV (a quote left open)", isTransient: true)
                }
                return rows
            })
    }
}
