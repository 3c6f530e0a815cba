import Campaign
import PostgresBridge
import WorkflowRuntime

/// CRM changes into Campaign: the last change of each contact in the batch goes to
/// `BlocklistWriter` (one transaction, the rule in SQL); a contact no profile has is a
/// reject (`unknown-profile`), never created. When Campaign's own value wins over a CRM
/// change, Campaign's value is announced again (`BlocklistWriter.announceAgain`).
struct CampaignApplier: Sendable {
    let writer: BlocklistWriter
    let database: PostgresConnection

    struct Result: Sendable {
        var applied = 0
        var rejects: [RejectStore.Reject] = []
    }

    func apply(_ changes: [OptOutChange]) async throws -> Result {
        let latest = OptOutWriter.lastPerContact(changes)
        guard !latest.isEmpty else { return Result() }
        let outcome = try await writer.apply(
            latest.map { BlocklistWriter.Change(crmID: $0.crmID, value: $0.value, modifiedAt: $0.time) }, on: database)
        // Campaign's own value won: have it announced again so the CRM ends with it too.
        try await writer.announceAgain(outcome.refused, on: database)
        var result = Result(applied: outcome.applied.count)
        for change in latest where outcome.unknown.contains(change.crmID) {
            result.rejects.append(change.reject(
                "unknown-profile", "no Campaign profile has \(writer.table.idColumn) = \(change.crmID.prefix(60)): the contact is unknown on the Campaign side"))
        }
        return result
    }
}
