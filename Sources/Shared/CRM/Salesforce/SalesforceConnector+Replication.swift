import Foundation
import HTTPBridge

extension SalesforceConnector {
    /// `getDeleted` for `window`, both ends inclusive (the CRM drops the seconds).
    /// A window starting before `deletedRetention` is refused before any call, and the
    /// CRM's `INVALID_REPLICATION_DATE` gives the same error, naming the limit.
    public func getDeleted(_ object: String, window: ClosedRange<Date>, now: Date = Date()) async throws -> SalesforceDeletedResult {
        try await replicate(object, "deleted", window: window, retention: configuration.deletedRetention, now: now) { body throws(CRMJSON.Problem) in
            try SalesforcePageParser.deleted(body)
        }
    }

    /// `getUpdated` for `window`, both ends inclusive, refused beyond `updatedRetention`.
    public func getUpdated(_ object: String, window: ClosedRange<Date>, now: Date = Date()) async throws -> SalesforceUpdatedResult {
        try await replicate(object, "updated", window: window, retention: configuration.updatedRetention, now: now) { body throws(CRMJSON.Problem) in
            try SalesforcePageParser.updated(body)
        }
    }

    /// Deletes through `getDeleted`, from the checkpoint to `end`. Without a checkpoint,
    /// tracking starts at `end`. A window of a minute or less is not asked (the CRM
    /// needs start over a minute before end) and keeps the checkpoint. When the answer's
    /// `earliestDateAvailable` is after the checkpoint, Salesforce purged deletes the
    /// window should have held: `CRMError.Code.deleteLogPurged` (a full resync), never
    /// a silent hole.
    public func deletedRecords(_ query: CRMQuery, since checkpoint: DeletionCheckpoint?, until end: Date) async throws -> CRMDeletions {
        guard let checkpoint else {
            return CRMDeletions(deleted: [], checkpoint: DeletionCheckpoint(rawValue: CRMTimestamp.string(end)))
        }
        guard let start = CRMTimestamp.parse(checkpoint.rawValue) else {
            throw CRMError(
                system: system, code: .invalidRequest, operation: "getDeleted \(query.remoteObject)",
                message: "the delete checkpoint is not an RFC 3339 datetime")
        }
        let minute = 60.0
        guard (end.timeIntervalSince1970 / minute).rounded(.down) - (start.timeIntervalSince1970 / minute).rounded(.down) > 1 else {
            return CRMDeletions(deleted: [], checkpoint: checkpoint)
        }
        let result = try await getDeleted(query.remoteObject, window: start...end)
        if let earliest = result.earliestDateAvailable, earliest > start {
            throw CRMError(
                system: system, code: .deleteLogPurged, operation: "getDeleted \(query.remoteObject)",
                message: "Salesforce's delete log starts at \(CRMTimestamp.string(earliest)) (earliestDateAvailable), after "
                    + "the last delete scan (\(CRMTimestamp.string(start))): deletes in between are gone from the log; "
                    + "a full resync is needed")
        }
        let covered = min(max(result.latestDateCovered ?? end, start), end)
        return CRMDeletions(deleted: result.records, checkpoint: DeletionCheckpoint(rawValue: CRMTimestamp.string(covered)))
    }

    private func replicate<Result: Sendable>(
        _ object: String, _ kind: String, window: ClosedRange<Date>, retention: Duration, now: Date,
        decode: @escaping @Sendable ([UInt8]) throws(CRMJSON.Problem) -> Result
    ) async throws -> Result {
        let operation = "get\(kind.prefix(1).uppercased() + kind.dropFirst()) \(object)"
        try CRMNames.check(system: system, object: object, fields: [], allowDots: false)
        let limit = Self.days(retention)
        let oldest = now.addingTimeInterval(-Double(retention.components.seconds))
        guard window.lowerBound >= oldest else {
            let age = Int((now.timeIntervalSince(window.lowerBound) / 86_400).rounded(.up))
            throw CRMError(
                system: system, code: .replicationWindowTooOld, operation: operation,
                message: "the window starts about \(age) days ago, beyond the \(limit)-day limit Salesforce keeps for get\(kind.capitalized)")
        }
        let path = HTTPRequest.url(
            "\(configuration.dataPath)/sobjects/\(object)/\(kind)/",
            query: [("start", Self.replicationDate(window.lowerBound)), ("end", Self.replicationDate(window.upperBound))])
        do {
            return try await exchange.perform(
                operation, tokens: tokens,
                build: { token in HTTPRequest(url: url(path, token: token), headers: ["Accept": "application/json"]) },
                decode: { response throws(CRMJSON.Problem) in try decode(response.body) })
        } catch var error as CRMError where error.remoteCode == "INVALID_REPLICATION_DATE" {
            error.code = .replicationWindowTooOld
            error.message = "the window is beyond the \(limit)-day limit of get\(kind.capitalized) (\(error.message))"
            throw error
        }
    }

    /// Whole seconds, the form the replication API documents (it drops the seconds
    /// anyway): a window ending at a fraction of a second loses nothing.
    private static func replicationDate(_ date: Date) -> String {
        CRMTimestamp.soqlString(date)
    }

    private static func days(_ duration: Duration) -> Int {
        Int((Double(duration.components.seconds) / 86_400).rounded())
    }
}
