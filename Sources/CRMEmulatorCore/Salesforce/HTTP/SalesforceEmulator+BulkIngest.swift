import CoreValues
import Foundation
import Hummingbird

/// Bulk API 2.0 ingest (`/jobs/ingest`), as the reference describes it: create a job,
/// `PUT …/batches` one CSV, `PATCH` `UploadComplete`, poll until `JobComplete`, then
/// `successfulResults/` (`sf__Id`, `sf__Created`, the input columns), `failedResults/`
/// (`sf__Id`, `sf__Error`, the input columns) and `unprocessedrecords/`, each in an
/// order of its own (shuffled): a client must match results by key. Each call counts
/// against the daily allocation like any other.
extension SalesforceEmulator {
    func bulkIngest(_ api: SalesforceAPIRequest) async throws(SalesforceAPIError) -> Response {
        let path = api.path
        switch (path.count, api.method) {
        case (2, .post):
            let body = try await api.body(limit: 1 << 16)
            guard let object = body["object"]?.stringValue, let schema = SalesforceObjectSchema.byLowercasedName[object.lowercased()] else {
                throw SalesforceAPIError(.badRequest, "INVALIDJOB", "InvalidJob : object is required and must name an sObject")
            }
            let operation = body["operation"]?.stringValue ?? ""
            guard ["insert", "update", "upsert", "delete"].contains(operation) else {
                throw SalesforceAPIError(.badRequest, "INVALIDJOB", "InvalidJob : Invalid operation: \(operation)")
            }
            let external = body["externalIdFieldName"]?.stringValue
            if operation == "upsert" {
                guard let external, let index = schema.index(of: external), schema.fields[index].isExternalID else {
                    throw SalesforceAPIError(.badRequest, "INVALIDJOB", "InvalidJob : External ID was blank or not an external id field for \(schema.name)")
                }
            }
            let job = bulkJobs.create(object: schema.name, operation: operation, externalIDField: external)
            return jobInfo(job, api: api)
        case (3, .get):
            guard var job = bulkJobs.job(path[2]) else { throw .notFound }
            if job.state == "UploadComplete" || job.state == "InProgress" {
                job = bulkJobs.update(job.id) { $0.looks += 1 } ?? job
                if job.looks >= 2 { job = process(job, now: api.now) } else { job = bulkJobs.update(job.id) { $0.state = "InProgress" } ?? job }
            }
            return jobInfo(job, api: api)
        case (3, .patch):
            let body = try await api.body(limit: 1 << 16)
            guard let wanted = body["state"]?.stringValue, ["UploadComplete", "Aborted"].contains(wanted) else {
                throw SalesforceAPIError(.badRequest, "INVALIDJOB", "InvalidJob : state must be UploadComplete or Aborted")
            }
            guard let current = bulkJobs.job(path[2]) else { throw .notFound }
            guard current.state == "Open" else {
                throw SalesforceAPIError(.conflict, "INVALIDJOB", "InvalidJob : the job is \(current.state), not Open")
            }
            if wanted == "UploadComplete", current.csv == nil {
                throw SalesforceAPIError(.badRequest, "INVALIDJOB", "InvalidJob : no data was uploaded")
            }
            let job = bulkJobs.update(current.id) { $0.state = wanted } ?? current
            return jobInfo(job, api: api)
        case (4, .put) where path[3] == "batches":
            guard let current = bulkJobs.job(path[2]) else { throw .notFound }
            guard current.state == "Open", current.csv == nil else {
                throw SalesforceAPIError(.conflict, "INVALIDJOB", "InvalidJob : data can be uploaded once, while the job is Open")
            }
            let buffer: ByteBuffer
            do {
                buffer = try await api.request.body.collect(upTo: 150 << 20)
            } catch {
                throw SalesforceAPIError(.contentTooLarge, "INVALIDBATCH", "the upload is larger than 150 MB")
            }
            _ = bulkJobs.update(current.id) { $0.csv = String(buffer: buffer) }
            return Response(status: .created)
        case (4, .get) where ["successfulResults", "failedResults", "unprocessedrecords"].contains(path[3]):
            guard let job = bulkJobs.job(path[2]) else { throw .notFound }
            guard ["JobComplete", "Failed", "Aborted"].contains(job.state) else {
                throw SalesforceAPIError(.badRequest, "INVALIDJOB", "InvalidJob : the job is \(job.state); results come once it is complete")
            }
            let text = path[3] == "successfulResults" ? job.successful : path[3] == "failedResults" ? job.failures : job.unprocessed
            var headers = HTTPFields()
            headers[.contentType] = "text/csv"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
        default:
            throw .notFound
        }
    }

    /// Runs every row of the upload; failures are per row (`sf__Error` is `CODE:message`).
    private func process(_ job: SalesforceBulkJobs.Job, now: Int64) -> SalesforceBulkJobs.Job {
        guard let schema = SalesforceObjectSchema.byLowercasedName[job.object.lowercased()] else { return job }
        guard let rows = CSVText.decode(job.csv ?? ""), let header = rows.first else {
            return bulkJobs.update(job.id) { $0.state = "Failed" } ?? job
        }
        let every = bulkJobs.settings.unprocessedEvery
        var successful: [[String]] = []
        var failures: [[String]] = []
        var unprocessed: [[String]] = []
        let externalIndex = job.externalIDField.flatMap { schema.index(of: $0) }
        state.withLock { org in
            for (offset, row) in rows.dropFirst().enumerated() {
                if every > 0, offset % every == every - 1 {
                    unprocessed.append(row)
                    continue
                }
                switch write(row, header: header, schema: schema, job: job, externalIndex: externalIndex, in: &org, now: now) {
                case .success(let (id, created)): successful.append([id, created ? "true" : "false"] + row)
                case .failure(let error): failures.append(["", "\(error.statusCode):\(error.message)"] + row)
                }
            }
        }
        var random = SplitMix64(seed: UInt64(truncatingIfNeeded: job.id.hashValue))
        successful.shuffle(using: &random)
        failures.shuffle(using: &random)
        unprocessed.shuffle(using: &random)
        return bulkJobs.update(job.id) { job in
            job.state = "JobComplete"
            job.processed = successful.count + failures.count
            job.failed = failures.count
            job.successful = CSVText.encode([["sf__Id", "sf__Created"] + header] + successful)
            job.failures = CSVText.encode([["sf__Id", "sf__Error"] + header] + failures)
            job.unprocessed = CSVText.encode([header] + unprocessed)
        } ?? job
    }

    /// One row: an empty field leaves the field alone, `#N/A` sets it to null.
    private func write(
        _ row: [String], header: [String], schema: SalesforceObjectSchema, job: SalesforceBulkJobs.Job, externalIndex: Int?,
        in org: inout SalesforceOrg, now: Int64
    ) -> Result<(String, Bool), SalesforceRecordError> {
        guard row.count == header.count else {
            return .failure(SalesforceRecordError("INVALID_FIELD", "the row has \(row.count) fields, the header \(header.count)"))
        }
        var members: [(key: String, value: SalesforceJSONValue)] = []
        for (name, text) in zip(header, row) where !text.isEmpty {
            members.append((name, text == "#N/A" ? .null : .string(text)))
        }
        let input: SalesforceRecordInput
        do {
            input = try SalesforceRecordInput(members, schema: schema, purpose: job.operation == "insert" ? .create : .update)
        } catch {
            return .failure(SalesforceRecordError(error.errorCode, error.message))
        }
        switch job.operation {
        case "insert":
            return org.create(input, schema: schema, now: now).map { ($0, true) }
        case "update":
            guard let id = input.id else { return .failure(SalesforceRecordError("MISSING_ARGUMENT", "Id not specified in an update call")) }
            return org.update(id: id, input, schema: schema, now: now).map { ($0, false) }
        case "delete":
            guard let id = input.id else { return .failure(SalesforceRecordError("MISSING_ARGUMENT", "Id not specified in a delete call")) }
            return org.delete(id: id, schema: schema, now: now).map { ($0, false) }
        default:
            guard let externalIndex, let value = input.assignments.first(where: { $0.index == externalIndex })?.value, !value.isNull else {
                return .failure(SalesforceRecordError("MISSING_ARGUMENT", "\(job.externalIDField ?? "the external id") not specified"))
            }
            return org.upsert(input, schema: schema, externalField: externalIndex, value: value, now: now).map { ($0.id, $0.created) }
        }
    }

    private func jobInfo(_ job: SalesforceBulkJobs.Job, api: SalesforceAPIRequest) -> Response {
        var json = SalesforceJSONWriter(capacity: 512)
        json.raw("{\"id\":")
        json.string(job.id)
        json.raw(",\"operation\":")
        json.string(job.operation)
        json.raw(",\"object\":")
        json.string(job.object)
        json.raw(",\"state\":")
        json.string(job.state)
        if let external = job.externalIDField {
            json.raw(",\"externalIdFieldName\":")
            json.string(external)
        }
        json.raw(",\"contentType\":\"CSV\",\"lineEnding\":\"LF\",\"columnDelimiter\":\"COMMA\",\"apiVersion\":")
        json.string(String(api.version.dropFirst()))
        json.raw(",\"contentUrl\":")
        json.string("services/data/\(api.version)/jobs/ingest/\(job.id)/batches")
        json.raw(",\"numberRecordsProcessed\":")
        json.integer(job.processed)
        json.raw(",\"numberRecordsFailed\":")
        json.integer(job.failed)
        json.raw("}")
        return salesforceResponse(json)
    }
}
