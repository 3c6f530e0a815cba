import CoreValues

/// The fast path for reading a CRM page: one pass over the bytes (`JSONReader`) for the
/// common shape, an object whose records array holds flat records. Reading 5000-record
/// pages through `JSONSerialization` and `[String: Any]` was half of a reader's CPU.
///
/// It gives up (returns nil) at anything else: invalid JSON, a nested value it was not
/// told to skip, a number Foundation would write differently. The caller then reads the
/// page through `CRMJSON`, which keeps every error message and nested-value rule, so
/// both paths give the same records for any page.
struct CRMFlatPageScanner {
    struct Page {
        /// Each record's kept members.
        var rows: [[String: FieldValue]] = []
        /// The page's other scalar members (`@odata.nextLink`, `done`, …).
        var members: [String: FieldValue] = [:]

        /// The rows as records; nil when one lacks a non-empty string id or a readable
        /// last-modified datetime (the Foundation path then names the record).
        func records(idField: String, modifiedField: String) -> [CRMRecord]? {
            var records: [CRMRecord] = []
            records.reserveCapacity(rows.count)
            for fields in rows {
                guard case .string(let id)? = fields[idField], !id.isEmpty,
                      case .string(let modified)? = fields[modifiedField], let modifiedAt = CRMTimestamp.parse(modified)
                else { return nil }
                records.append(CRMRecord(id: id, modifiedAt: modifiedAt, fields: fields))
            }
            return records
        }

        /// An optional string member: `.some(nil)` when absent or null, nil when it is
        /// something else (the Foundation path then reports it).
        func optionalString(_ key: String) -> String?? {
            switch members[key] {
            case nil, .null?: .some(nil)
            case .string(let text)?: .some(text)
            default: nil
            }
        }
    }

    /// The member of the page that holds the records (`value`, `records`).
    var recordsKey: String
    /// A nested member of each record to skip (Salesforce's `attributes`).
    var skippedRecordMember: String?
    /// Whether a record member is kept.
    var keepsMember: (String) -> Bool = { _ in true }

    func scan(_ body: [UInt8]) -> Page? {
        body.withUnsafeBufferPointer { bytes in
            var reader = JSONReader(bytes: bytes)
            return try? page(&reader)
        }
    }

    private struct GiveUp: Error {}

    private func page(_ reader: inout JSONReader) throws -> Page {
        var page = Page()
        var sawRecords = false
        try reader.consume(UInt8(ascii: "{"))
        if !reader.consumeIf(UInt8(ascii: "}")) {
            repeat {
                let key = try reader.readString()
                try reader.consume(UInt8(ascii: ":"))
                if key == recordsKey {
                    guard !sawRecords else { throw GiveUp() }
                    sawRecords = true
                    page.rows = try records(&reader)
                } else {
                    guard page.members.updateValue(try scalar(&reader), forKey: key) == nil else { throw GiveUp() }
                }
            } while reader.consumeIf(UInt8(ascii: ","))
            try reader.consume(UInt8(ascii: "}"))
        }
        guard sawRecords, reader.peek() == nil else { throw GiveUp() }
        return page
    }

    private func records(_ reader: inout JSONReader) throws -> [[String: FieldValue]] {
        try reader.consume(UInt8(ascii: "["))
        var rows: [[String: FieldValue]] = []
        if reader.consumeIf(UInt8(ascii: "]")) { return rows }
        repeat {
            rows.append(try record(&reader))
        } while reader.consumeIf(UInt8(ascii: ","))
        try reader.consume(UInt8(ascii: "]"))
        return rows
    }

    private func record(_ reader: inout JSONReader) throws -> [String: FieldValue] {
        try reader.consume(UInt8(ascii: "{"))
        var fields: [String: FieldValue] = [:]
        if reader.consumeIf(UInt8(ascii: "}")) { return fields }
        repeat {
            let key = try reader.readString()
            try reader.consume(UInt8(ascii: ":"))
            if key == skippedRecordMember, reader.peek() == UInt8(ascii: "{") {
                try reader.skipFlatObject()
                continue
            }
            let value = try scalar(&reader)
            if keepsMember(key) {
                guard fields.updateValue(value, forKey: key) == nil else { throw GiveUp() }
            }
        } while reader.consumeIf(UInt8(ascii: ","))
        try reader.consume(UInt8(ascii: "}"))
        return fields
    }

    /// A scalar, numbers written as `CRMJSON.fieldValue` writes them.
    private func scalar(_ reader: inout JSONReader) throws -> FieldValue {
        let next = reader.peek()
        guard next != UInt8(ascii: "{"), next != UInt8(ascii: "[") else { throw GiveUp() }
        let value = try reader.readScalar()
        guard case .number(let number) = value else { return value }
        guard let normalized = Self.foundationForm(number) else { throw GiveUp() }
        return .number(normalized)
    }

    /// The literal `CRMJSON` gives for a number that went through `JSONSerialization`:
    /// integers as they are, decimals through `Double` (whole ones as integers). Nil when
    /// that is not certain (very long integers, `-0`).
    static func foundationForm(_ number: JSONNumber) -> JSONNumber? {
        let utf8 = number.text.utf8
        if utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            guard let double = Double(number.text) else { return nil }
            if double.rounded() == double, abs(double) < 1e15 { return JSONNumber(Int64(double)) }
            return JSONNumber(double)
        }
        let digits = utf8.first == UInt8(ascii: "-") ? utf8.count - 1 : utf8.count
        guard digits <= 18, number.text != "-0" else { return nil }
        return number
    }
}

extension JSONReader {
    /// Skips an object of scalars and nested objects of scalars (Salesforce's
    /// `attributes`), at most 8 levels deep, without building anything.
    mutating func skipFlatObject(depth: Int = 0) throws(EnvelopeError) {
        guard depth < 8 else { throw unexpected(expecting: "a shallower object") }
        try consume(UInt8(ascii: "{"))
        if consumeIf(UInt8(ascii: "}")) { return }
        repeat {
            _ = try readString()
            try consume(UInt8(ascii: ":"))
            if peek() == UInt8(ascii: "{") {
                try skipFlatObject(depth: depth + 1)
            } else if peek() == UInt8(ascii: "[") {
                throw unexpected(expecting: "a scalar or an object")
            } else {
                _ = try readScalar()
            }
        } while consumeIf(UInt8(ascii: ","))
        try consume(UInt8(ascii: "}"))
    }
}
