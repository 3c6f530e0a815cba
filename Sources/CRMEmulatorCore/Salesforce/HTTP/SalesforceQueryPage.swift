/// Encodes one page of query results straight into a buffer:
/// `{"totalSize":…,"done":…,"nextRecordsUrl":…,"records":[{"attributes":{…},…}]}`.
/// The byte runs that repeat per record (attribute prefix, field keys) are
/// built once per page.
struct SalesforceQueryPage {
    let schema: SalesforceObjectSchema
    let fields: [Int]
    let version: String
    private let recordPrefix: [UInt8]
    private let fieldKeys: [[UInt8]]

    init(schema: SalesforceObjectSchema, fields: [Int], version: String) {
        self.schema = schema
        self.fields = fields
        self.version = version
        recordPrefix = Array("{\"attributes\":{\"type\":\"\(schema.name)\",\"url\":\"/services/data/\(version)/sobjects/\(schema.name)/".utf8)
        fieldKeys = fields.map { Array(",\"\(schema.fields[$0].name)\":".utf8) }
    }

    func encode(totalSize: Int, nextRecordsURL: String?, rows: ArraySlice<SalesforceRecord>) -> SalesforceJSONWriter {
        var json = SalesforceJSONWriter(capacity: 128 + rows.count * (recordPrefix.count + 24 + fields.count * 40))
        json.raw("{\"totalSize\":")
        json.integer(totalSize)
        json.raw(",\"done\":")
        json.boolean(nextRecordsURL == nil)
        if let nextRecordsURL {
            json.raw(",\"nextRecordsUrl\":")
            json.string(nextRecordsURL)
        }
        json.raw(",\"records\":[")
        var first = true
        for record in rows {
            if first { first = false } else { json.byte(UInt8(ascii: ",")) }
            write(record, into: &json)
        }
        json.raw("]}")
        return json
    }

    /// One record with its `attributes`, the selected fields in SELECT order.
    func write(_ record: SalesforceRecord, into json: inout SalesforceJSONWriter) {
        json.raw(bytes: recordPrefix)
        json.unescaped(record.id)
        json.raw("\"}")
        for (offset, index) in fields.enumerated() {
            json.raw(bytes: fieldKeys[offset])
            json.value(record[index])
        }
        json.byte(UInt8(ascii: "}"))
    }
}
