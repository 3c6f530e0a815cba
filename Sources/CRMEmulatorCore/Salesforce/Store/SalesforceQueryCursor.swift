/// The rows of a query larger than one page, served page by page through
/// `nextRecordsUrl`. The rows are a snapshot taken when the query ran.
struct SalesforceQueryCursor: Sendable {
    let id: String
    let schema: SalesforceObjectSchema
    let fields: [Int]
    let rows: [SalesforceRecord]
    let batchSize: Int
    let isQueryAll: Bool
    var lastUsed: Int64
    /// Its last page was served; evicted before cursors still being read.
    var isFinished = false
}
