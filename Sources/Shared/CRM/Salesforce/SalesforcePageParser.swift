import CoreValues
import Foundation

/// Reads REST answers: query pages `{"done":false,"nextRecordsUrl":"…","records":[…]}`
/// and the replication calls' `getDeleted` / `getUpdated` results.
enum SalesforcePageParser {
    static func page(_ body: [UInt8], idField: String, modifiedField: String) throws(CRMJSON.Problem) -> CRMPage {
        if let page = fastPage(body, idField: idField, modifiedField: modifiedField) { return page }
        return try foundationPage(body, idField: idField, modifiedField: modifiedField)
    }

    /// Any page, through `JSONSerialization`: parent records, and every problem named.
    static func foundationPage(_ body: [UInt8], idField: String, modifiedField: String) throws(CRMJSON.Problem) -> CRMPage {
        let root = try CRMJSON.object(body)
        let rows = try CRMJSON.objects(root, "records")
        var records: [CRMRecord] = []
        records.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() {
            records.append(try record(row, index: index, idField: idField, modifiedField: modifiedField))
        }
        let next = try CRMJSON.optionalString(root, "nextRecordsUrl")
        if root["done"] as? Bool == false, next == nil {
            throw CRMJSON.Problem(description: "'done' is false but there is no 'nextRecordsUrl'")
        }
        return CRMPage(records: records, next: root["done"] as? Bool == true ? nil : next)
    }

    /// The same page through `CRMFlatPageScanner` (records without parent objects); nil
    /// when the page is not that shape or has a problem, which the Foundation path reports.
    static func fastPage(_ body: [UInt8], idField: String, modifiedField: String) -> CRMPage? {
        let scanner = CRMFlatPageScanner(recordsKey: "records", skippedRecordMember: "attributes")
        guard let scanned = scanner.scan(body),
              let records = scanned.records(idField: idField, modifiedField: modifiedField),
              let next = scanned.optionalString("nextRecordsUrl")
        else { return nil }
        switch scanned.members["done"] {
        case .bool(true)?: return CRMPage(records: records, next: nil)
        case .bool(false)?: return next.map { CRMPage(records: records, next: $0) }
        default: return CRMPage(records: records, next: next)
        }
    }

    static func record(_ row: [String: Any], index: Int, idField: String, modifiedField: String) throws(CRMJSON.Problem) -> CRMRecord {
        guard let id = row[idField] as? String, !id.isEmpty else {
            throw CRMJSON.Problem(description: "record \(index) has no '\(idField)'")
        }
        guard let modified = row[modifiedField] as? String, let modifiedAt = CRMTimestamp.parse(modified) else {
            throw CRMJSON.Problem(description: "record \(index) has no readable '\(modifiedField)' datetime")
        }
        var fields: [String: FieldValue] = [:]
        fields.reserveCapacity(row.count)
        flatten(row, prefix: "", into: &fields)
        return CRMRecord(id: id, modifiedAt: modifiedAt, fields: fields)
    }

    /// Fields without `attributes`; a parent record (`Account` of `Account.Name`) is
    /// flattened to dotted names, other nested JSON is kept as its text.
    private static func flatten(_ row: [String: Any], prefix: String, into fields: inout [String: FieldValue]) {
        for (key, value) in row where key != "attributes" {
            if let parent = value as? [String: Any], parent["attributes"] != nil, prefix.count < 512 {
                flatten(parent, prefix: prefix + key + ".", into: &fields)
            } else {
                fields[prefix + key] = CRMJSON.fieldValue(value)
            }
        }
    }

    /// `{"deletedRecords":[{"id":"…","deletedDate":"…"}],"earliestDateAvailable":"…","latestDateCovered":"…"}`.
    static func deleted(_ body: [UInt8]) throws(CRMJSON.Problem) -> SalesforceDeletedResult {
        let root = try CRMJSON.object(body)
        var records: [CRMDeletedRecord] = []
        for (index, row) in try CRMJSON.objects(root, "deletedRecords").enumerated() {
            guard let id = row["id"] as? String, !id.isEmpty else {
                throw CRMJSON.Problem(description: "deleted record \(index) has no 'id'")
            }
            records.append(CRMDeletedRecord(id: id, deletedAt: (row["deletedDate"] as? String).flatMap(CRMTimestamp.parse)))
        }
        return SalesforceDeletedResult(
            records: records,
            earliestDateAvailable: try date(root, "earliestDateAvailable"),
            latestDateCovered: try date(root, "latestDateCovered"))
    }

    /// `{"ids":["…"],"latestDateCovered":"…"}`.
    static func updated(_ body: [UInt8]) throws(CRMJSON.Problem) -> SalesforceUpdatedResult {
        let root = try CRMJSON.object(body)
        guard let ids = root["ids"] as? [Any] else { throw CRMJSON.Problem(description: "the answer has no 'ids' array") }
        var result: [String] = []
        result.reserveCapacity(ids.count)
        for (index, id) in ids.enumerated() {
            guard let id = id as? String else { throw CRMJSON.Problem(description: "id \(index) is not a string") }
            result.append(id)
        }
        return SalesforceUpdatedResult(ids: result, latestDateCovered: try date(root, "latestDateCovered"))
    }

    private static func date(_ root: [String: Any], _ key: String) throws(CRMJSON.Problem) -> Date? {
        guard let text = try CRMJSON.optionalString(root, key) else { return nil }
        guard let date = CRMTimestamp.parse(text) else { throw CRMJSON.Problem(description: "'\(key)' is not a datetime") }
        return date
    }
}
