import CoreValues
import Foundation

/// Reads Web API answers: `{"value":[…],"@odata.nextLink":"…","@odata.deltaLink":"…"}`.
enum DynamicsPageParser {
    struct Page {
        var records: [CRMRecord]
        var nextLink: String?
        var deltaLink: String?
    }

    struct ChangePage {
        var changedIDs: [String]
        var deletedIDs: [String]
        var nextLink: String?
        var deltaLink: String?

        var isEmpty: Bool { changedIDs.isEmpty && deletedIDs.isEmpty }
    }

    /// - Parameter keptAnnotations: annotation members kept under their full names
    ///   (`_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname`); others are
    ///   dropped, formatted values kept only with `keepFormattedValues`.
    static func page(
        _ body: [UInt8], idField: String, modifiedField: String, keepFormattedValues: Bool,
        keptAnnotations: Set<String> = []
    ) throws(CRMJSON.Problem) -> Page {
        if let page = fastPage(body, idField: idField, modifiedField: modifiedField, keepFormattedValues: keepFormattedValues,
                               keptAnnotations: keptAnnotations) {
            return page
        }
        return try foundationPage(body, idField: idField, modifiedField: modifiedField, keepFormattedValues: keepFormattedValues,
                                  keptAnnotations: keptAnnotations)
    }

    /// Whether an annotation member (`field@annotation`) is kept.
    static func keeps(_ key: String, formattedValues: Bool, annotations: Set<String>) -> Bool {
        (formattedValues && key.hasSuffix("@OData.Community.Display.V1.FormattedValue")) || annotations.contains(key)
    }

    /// Any page, through `JSONSerialization`: nested values, and every problem named.
    static func foundationPage(
        _ body: [UInt8], idField: String, modifiedField: String, keepFormattedValues: Bool,
        keptAnnotations: Set<String> = []
    ) throws(CRMJSON.Problem) -> Page {
        let root = try CRMJSON.object(body)
        let rows = try CRMJSON.objects(root, "value")
        var records: [CRMRecord] = []
        records.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() {
            records.append(try record(row, index: index, idField: idField, modifiedField: modifiedField,
                                      keepFormattedValues: keepFormattedValues, keptAnnotations: keptAnnotations))
        }
        return Page(
            records: records,
            nextLink: try CRMJSON.optionalString(root, "@odata.nextLink"),
            deltaLink: try CRMJSON.optionalString(root, "@odata.deltaLink"))
    }

    static func record(
        _ row: [String: Any], index: Int, idField: String, modifiedField: String, keepFormattedValues: Bool,
        keptAnnotations: Set<String> = []
    ) throws(CRMJSON.Problem) -> CRMRecord {
        guard let id = row[idField] as? String, !id.isEmpty else {
            throw CRMJSON.Problem(description: "record \(index) has no '\(idField)'")
        }
        guard let modified = row[modifiedField] as? String, let modifiedAt = CRMTimestamp.parse(modified) else {
            throw CRMJSON.Problem(description: "record \(index) has no readable '\(modifiedField)' datetime")
        }
        var fields: [String: FieldValue] = [:]
        fields.reserveCapacity(row.count)
        for (key, value) in row {
            // Bytes, not Foundation's `contains(_: StringProtocol)`: that search was 13% of the reader's CPU.
            if key.utf8.contains(UInt8(ascii: "@")) {
                guard keeps(key, formattedValues: keepFormattedValues, annotations: keptAnnotations) else { continue }
            }
            fields[key] = CRMJSON.fieldValue(value)
        }
        return CRMRecord(id: id, modifiedAt: modifiedAt, fields: fields)
    }

    /// The same page through `CRMFlatPageScanner`; nil when the page is not the common
    /// flat shape or has a problem, which the Foundation path then reports.
    static func fastPage(
        _ body: [UInt8], idField: String, modifiedField: String, keepFormattedValues: Bool,
        keptAnnotations: Set<String> = []
    ) -> Page? {
        let scanner = CRMFlatPageScanner(recordsKey: "value") { key in
            !key.utf8.contains(UInt8(ascii: "@"))
                || keeps(key, formattedValues: keepFormattedValues, annotations: keptAnnotations)
        }
        guard let scanned = scanner.scan(body),
              let records = scanned.records(idField: idField, modifiedField: modifiedField),
              let nextLink = scanned.optionalString("@odata.nextLink"),
              let deltaLink = scanned.optionalString("@odata.deltaLink")
        else { return nil }
        return Page(records: records, nextLink: nextLink, deltaLink: deltaLink)
    }

    /// A change-tracking page: changed rows carry `idField`; deleted rows are
    /// `{"@odata.context":"…/$deletedEntity","id":"<guid>","reason":"deleted"}`.
    /// "An empty JSON response is returned if no table changes have occurred" (Microsoft,
    /// "Use change tracking to synchronize data with external systems"): an answer without
    /// `value`, or with no body at all, is a page without rows, not a malformed answer.
    static func changePage(_ body: [UInt8], idField: String) throws(CRMJSON.Problem) -> ChangePage {
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return ChangePage(changedIDs: [], deletedIDs: [], nextLink: nil, deltaLink: nil)
        }
        let root = try CRMJSON.object(body)
        let rows = root["value"] == nil ? [] : try CRMJSON.objects(root, "value")
        var page = ChangePage(
            changedIDs: [], deletedIDs: [],
            nextLink: try CRMJSON.optionalString(root, "@odata.nextLink"),
            deltaLink: try CRMJSON.optionalString(root, "@odata.deltaLink"))
        for (index, row) in rows.enumerated() {
            let context = row["@odata.context"] as? String ?? ""
            if context.hasSuffix("$deletedEntity") || row["reason"] as? String == "deleted" {
                guard let id = row["id"] as? String, !id.isEmpty else {
                    throw CRMJSON.Problem(description: "deleted row \(index) has no 'id'")
                }
                page.deletedIDs.append(id)
            } else if let id = row[idField] as? String, !id.isEmpty {
                page.changedIDs.append(id)
            } else {
                throw CRMJSON.Problem(description: "changed row \(index) has no '\(idField)'")
            }
        }
        return page
    }
}
