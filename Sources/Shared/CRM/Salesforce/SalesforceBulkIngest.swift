import CoreValues
import Foundation
import HTTPBridge

/// Bulk API 2.0 ingest for large writes (Salesforce: above about 2,000 records): create
/// the job, upload one CSV, mark it `UploadComplete`, poll until it ends, then read
/// `successfulResults/`, `failedResults/` and `unprocessedrecords/`. Results come in an
/// order of their own: they are matched to the input by key (the external id), never by
/// position. A failed record is a reject with Salesforce's `sf__Error`; an unprocessed
/// one is answered as such, for the caller to send again.
struct SalesforceBulkIngest: Sendable {
    enum RecordResult: Sendable, Equatable {
        case written
        case rejected(code: String, message: String)
        case unprocessed
    }

    let call: SalesforceCollectionsCall
    /// Pause between looks at a running job.
    var pollInterval: Duration
    /// Looks before giving up (the job keeps running at Salesforce; the records are sent again).
    var maxPolls: Int

    /// Upserts `rows` (values in `columns` order) by `externalID`, which must be one of
    /// `columns` and distinct per row. Answers a result per key.
    func upsert(object: String, externalID: String, columns: [String], rows: [[String?]]) async throws -> [String: RecordResult] {
        precondition(columns.contains(externalID), "the external id must be a column")
        let operation = "upsert \(rows.count) \(object) (Bulk API 2.0)"
        let jobBody = Array(try JSONSerialization.data(withJSONObject: [
            "object": object, "externalIdFieldName": externalID, "contentType": "CSV", "operation": "upsert", "lineEnding": "LF",
        ], options: [.sortedKeys]))
        let created = try await json("POST", call.path("jobs/ingest"), body: jobBody, operation: operation)
        guard let id = created["id"] as? String, !id.isEmpty else {
            throw CRMError(system: "salesforce", code: .malformedResponse, operation: operation, message: "the job answer has no id", isRetriable: true)
        }
        let csv = CSVText.encode([columns] + rows.map { $0.map { $0 ?? "#N/A" } })
        _ = try await call.exchange.perform(
            operation + " upload", tokens: call.tokens, idempotent: true,
            build: { token in
                HTTPRequest(method: "PUT", url: call.url(call.path("jobs/ingest/\(id)/batches"), token: token),
                            headers: ["Content-Type": "text/csv", "Accept": "application/json"], body: Array(csv.utf8))
            },
            decode: { _ throws(CRMJSON.Problem) in () })
        _ = try await json("PATCH", call.path("jobs/ingest/\(id)"), body: Array(#"{"state":"UploadComplete"}"#.utf8), operation: operation)
        var state = ""
        for _ in 0..<maxPolls {
            let info = try await json("GET", call.path("jobs/ingest/\(id)"), body: nil, operation: operation + " status")
            state = info["state"] as? String ?? ""
            if ["JobComplete", "Failed", "Aborted"].contains(state) { break }
            try await Task.sleep(for: pollInterval)
        }
        guard state == "JobComplete" else {
            throw CRMError(
                system: "salesforce", code: .unavailable, operation: operation,
                message: "the job \(id) ended \(state.isEmpty ? "not in time" : state); its records are sent again", isRetriable: true)
        }
        var results: [String: RecordResult] = [:]
        for (resource, skip) in [("successfulResults", 2), ("failedResults", 2), ("unprocessedrecords", 0)] {
            let table = try await csvRows(call.path("jobs/ingest/\(id)/\(resource)/"), operation: operation + " \(resource)")
            guard let header = table.first else { continue }
            guard let keyIndex = header.firstIndex(of: externalID), header.count == columns.count + skip else {
                throw CRMError(
                    system: "salesforce", code: .malformedResponse, operation: operation,
                    message: "\(resource) has no \(externalID) column or not the uploaded columns", isRetriable: true)
            }
            for row in table.dropFirst() where row.count == header.count {
                let key = row[keyIndex]
                switch resource {
                case "successfulResults": results[key] = .written
                case "failedResults": results[key] = Self.rejection(row[1])
                default: results[key] = .unprocessed
                }
            }
        }
        return results
    }

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
