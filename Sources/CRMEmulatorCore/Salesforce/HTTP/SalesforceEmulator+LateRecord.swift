import CoreValues
import Hummingbird

/// `POST /admin/salesforce/late`: writes a record (create, or update with `id`)
/// with the usual checks, then back-dates `LastModifiedDate` and
/// `SystemModstamp` — what a transaction committing late looks like to a
/// reader that already moved past that time.
///
/// Body: `{"object":"Contact","id":"003…"?,"fields":{…},"systemModstamp":"2024-…Z"}`
/// or `"secondsAgo":120` instead of `systemModstamp`; `"deleted":true` also
/// deletes the record at that time (a late delete, for `getDeleted`).
extension SalesforceEmulator {
    func adminLate(_ request: Request) async throws -> Response {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        let body: SalesforceJSONValue
        do {
            body = try SalesforceJSONParser.parse(buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? [])
        } catch {
            return try jsonResponse(["error": "body is not JSON: \(error.message)"], status: .badRequest)
        }
        guard let name = body["object"]?.stringValue, let schema = SalesforceObjectSchema.byLowercasedName[name.lowercased()] else {
            return try jsonResponse(["error": "object must name a known sObject"], status: .badRequest)
        }
        let now = CivilCalendar.nowWholeSeconds()
        let stamp: Int64
        if let text = body["systemModstamp"]?.stringValue, let parsed = SalesforceDateTime.parseDateTime(text) {
            stamp = parsed
        } else if case .number(let seconds, _)? = body["secondsAgo"], (0...3_000_000_000).contains(seconds) {
            stamp = now - Int64(seconds) * 1000
        } else {
            return try jsonResponse(["error": "give systemModstamp (ISO 8601) or secondsAgo"], status: .badRequest)
        }
        var members: [(key: String, value: SalesforceJSONValue)] = []
        if case .object(let fields)? = body["fields"] { members = fields }
        let id = body["id"]?.stringValue
        let deleting = body["deleted"]?.boolValue ?? false
        let input: SalesforceRecordInput
        do {
            input = try SalesforceRecordInput(members, schema: schema, purpose: id == nil ? .create : .update)
        } catch {
            return try jsonResponse(["error": "\(error.errorCode): \(error.message)"], status: .badRequest)
        }
        let result: Result<String, SalesforceRecordError> = state.withLock { org in
            let written = id.map { org.update(id: $0, input, schema: schema, now: now) } ?? org.create(input, schema: schema, now: now)
            guard case .success(let writtenID) = written, let position = org.table(for: schema).position(of: writtenID),
                  var record = org.tables[schema.name.lowercased()]?.records[position] else { return written }
            record.touch(at: stamp)
            if id == nil { record[SalesforceObjectSchema.createdDateIndex] = .dateTime(stamp) }
            if deleting {
                record.deletedDate = stamp
                record[SalesforceObjectSchema.isDeletedIndex] = .boolean(true)
            }
            org.tables[schema.name.lowercased()]?.replace(at: position, with: record)
            return written
        }
        switch result {
        case .success(let writtenID):
            return try jsonResponse(LateAnswer(id: writtenID, systemModstamp: SalesforceDateTime.format(stamp)))
        case .failure(let error):
            return try jsonResponse(["error": "\(error.statusCode): \(error.message)"], status: .badRequest)
        }
    }
}
