import CoreValues
import Hummingbird

/// `GET …/sobjects/<Object>/updated/?start=&end=` and `…/deleted/?start=&end=`.
/// Seconds are dropped from both ends; the window must span more than a
/// minute and start within the configured reach (30 and 15 days by default).
/// Both ends are inclusive; the window is cut at now (`latestDateCovered`). A purged
/// delete log (`POST /admin/salesforce/deleted/purge`) moves `earliestDateAvailable`.
extension SalesforceEmulator {
    static let maximumReplicationIDs = 600_000

    private struct Window {
        let start: Int64
        let end: Int64
    }

    func updatedRecords(_ api: SalesforceAPIRequest, schema: SalesforceObjectSchema) throws(SalesforceAPIError) -> Response {
        let maxAge = state.withLock { $0.getUpdatedMaxAge }
        let window = try replicationWindow(api, maxAge: maxAge)
        let ids: [String] = state.withLock { org in
            org.table(for: schema).records.compactMap { record in
                !record.isDeleted && record.systemModstamp >= window.start && record.systemModstamp <= window.end ? record.id : nil
            }
        }
        guard ids.count <= Self.maximumReplicationIDs else { throw Self.exceededIDLimit }
        var json = SalesforceJSONWriter(capacity: 64 + ids.count * 21)
        json.raw("{\"ids\":")
        json.stringArray(ids)
        json.raw(",\"latestDateCovered\":")
        json.dateTime(window.end)
        json.raw("}")
        return salesforceResponse(json)
    }

    func deletedRecords(_ api: SalesforceAPIRequest, schema: SalesforceObjectSchema) throws(SalesforceAPIError) -> Response {
        let (maxAge, purgedThrough) = state.withLock { ($0.getDeletedMaxAge, $0.deleteLogPurgedThrough[schema.name.lowercased()]) }
        let window = try replicationWindow(api, maxAge: maxAge)
        let deleted: [(id: String, date: Int64)] = state.withLock { org in
            org.table(for: schema).records.compactMap { record in
                guard let date = record.deletedDate, date >= window.start, date <= window.end,
                      date > (purgedThrough ?? Int64.min) else { return nil }
                return (record.id, date)
            }
        }
        // The reach of the log, or later when it was purged: "the timestamp of the last
        // physically deleted object" (GetDeletedResult.earliestDateAvailable).
        let earliest = max(CivilCalendar.truncatedToMinute(api.now - maxAge), purgedThrough ?? Int64.min)
        guard deleted.count <= Self.maximumReplicationIDs else { throw Self.exceededIDLimit }
        var json = SalesforceJSONWriter(capacity: 128 + deleted.count * 64)
        json.raw("{\"deletedRecords\":[")
        for (offset, entry) in deleted.enumerated() {
            if offset > 0 { json.raw(",") }
            json.raw("{\"id\":")
            json.string(entry.id)
            json.raw(",\"deletedDate\":")
            json.dateTime(entry.date)
            json.raw("}")
        }
        json.raw("],\"earliestDateAvailable\":")
        json.dateTime(earliest)
        json.raw(",\"latestDateCovered\":")
        json.dateTime(window.end)
        json.raw("}")
        return salesforceResponse(json)
    }

    private static let exceededIDLimit = SalesforceAPIError(
        .badRequest, "EXCEEDED_ID_LIMIT", "More than \(maximumReplicationIDs) ids would be returned; choose a shorter window")

    private func replicationWindow(_ api: SalesforceAPIRequest, maxAge: Int64) throws(SalesforceAPIError) -> Window {
        guard let startText = api.parameters["start"], let endText = api.parameters["end"] else {
            throw SalesforceAPIError(.badRequest, "MISSING_ARGUMENT", "Both start and end parameters are required")
        }
        guard let rawStart = SalesforceDateTime.parseDateTime(startText), let rawEnd = SalesforceDateTime.parseDateTime(endText) else {
            throw SalesforceAPIError(.badRequest, "INVALID_REPLICATION_DATE",
                                     "start and end must be ISO 8601 datetimes such as 2024-01-01T00:00:00+00:00")
        }
        let start = CivilCalendar.truncatedToMinute(rawStart)
        let end = CivilCalendar.truncatedToMinute(rawEnd)
        guard end - start > 60_000 else {
            throw SalesforceAPIError(.badRequest, "INVALID_REPLICATION_DATE",
                                     "The end date must be more than one minute after the start date (seconds are ignored)")
        }
        guard start >= CivilCalendar.truncatedToMinute(api.now - maxAge) else {
            let days = maxAge / CivilCalendar.millisecondsPerDay
            throw SalesforceAPIError(.badRequest, "INVALID_REPLICATION_DATE", "startDate cannot be more than \(days) days ago")
        }
        return Window(start: start, end: min(end, CivilCalendar.truncatedToMinute(api.now)))
    }
}
