import CRMConnectors
import Campaign
import CoreValues
import Foundation
import WorkflowRuntime

/// Campaign changes into the CRM, per chunk of the CRM's batch size:
///
/// 1. read the contacts' current flag and last-modified time (the source connector's
///    `records(ids:)`); a contact the CRM does not have is a reject (`unknown-contact`);
/// 2. decide with the conflict rule, the CRM's time being that of the Campaign change
///    this sync wrote there when the CRM still shows that write (`OptOutEchoLedger`:
///    value, last-modified time and write stamp, `CRMWriteStamp`);
///    when the CRM's own value wins, the CRM reader is asked to publish it again;
/// 3. record the intent, write the flags in one batch call, and confirm each write with
///    the last-modified time the CRM shows afterwards, so the CRM reader recognises it.
///    Each write is conditional on the record's state the rule saw (Dynamics `If-Match`
///    with its row version; Salesforce a re-read just before): a CRM edit landing
///    between the read and the write is never overwritten, the contact is read and
///    decided again (at most `maxRounds` rounds).
struct CRMApplier: Sendable {
    let connector: any CRMSourceConnector
    let writer: any CRMFlagWriter
    let ledger: OptOutEchoLedger
    let stamp: CRMWriteStamp
    let query: CRMQuery
    let field: String

    struct Result: Sendable {
        var written = 0
        var rejects: [RejectStore.Reject] = []
    }

    func apply(_ changes: [OptOutChange]) async throws -> Result {
        var result = Result()
        var valid: [OptOutChange] = []
        for change in OptOutWriter.lastPerContact(changes) {
            if let problem = idProblem(change.crmID) {
                result.rejects.append(change.reject("invalid-crm-id", problem))
            } else {
                valid.append(change)
            }
        }
        var start = 0
        while start < valid.count {
            let chunk = Array(valid[start..<min(start + writer.maxBatch, valid.count)])
            let outcome = try await applyChunk(chunk)
            result.written += outcome.written
            result.rejects += outcome.rejects
            start += chunk.count
        }
        return result
    }

    /// Rounds of read, decide and conditional write for one chunk: the contacts whose
    /// CRM record changed between the read and the write are read and decided again.
    static let maxRounds = 5

    private func applyChunk(_ chunk: [OptOutChange]) async throws -> Result {
        var result = Result()
        var pending = chunk
        for _ in 1...Self.maxRounds {
            let (round, changed) = try await decideAndWrite(pending)
            result.written += round.written
            result.rejects += round.rejects
            guard !changed.isEmpty else { return result }
            pending = changed
        }
        // The records keep changing under the writer: neither overwrite them blindly nor
        // drop the Campaign change; the batch is tried again later (a transient error).
        throw CRMError(
            system: writer.system, code: .remote, operation: "update \(query.remoteObject).\(field)",
            message: "\(pending.count) contacts changed in the CRM between each read and write in \(Self.maxRounds) rounds",
            isRetriable: true)
    }

    /// One round: the contacts' CRM records, the rule, and the writes, each conditional
    /// on the record's state the rule saw (Dynamics: its row version; Salesforce: a
    /// re-read just before the write, see `changed(_:)`). Answers the changes whose record
    /// changed in between, to decide again.
    private func decideAndWrite(_ chunk: [OptOutChange]) async throws -> (Result, changed: [OptOutChange]) {
        var result = Result()
        let current = try await records(chunk.map(\.crmID))
        let ours = try await ledger.entries(current.values.map(\.id))
        var toWrite: [(change: OptOutChange, id: String, read: CRMRecord)] = []
        var announce: [String] = []
        // Writes of an earlier attempt that stopped before confirming (a killed writer):
        // the CRM shows the value intended, so that state is ours; confirm it now.
        var settle: [OptOutEchoLedger.Confirmation] = []
        // Intents whose write never landed (the CRM shows another value): left in place, an
        // intent would pass a person's later edit to that value for the sync's write, for
        // as long as the intent is trusted, whenever this round writes nothing over it.
        var stale: [String] = []
        for change in chunk {
            guard let record = current[key(change.crmID)] else {
                result.rejects.append(change.reject(
                    "unknown-contact", "the CRM has no \(query.remoteObject) with id \(change.crmID.prefix(60)): the contact is unknown on the CRM side"))
                continue
            }
            guard case .bool(let crmValue) = record.fields[field] ?? .null else {
                result.rejects.append(change.reject(
                    "not-a-boolean", "the CRM's \(field) of \(record.id) is \((record.fields[field] ?? .null).kindName), not a boolean: check opt-in-out's crmField"))
                continue
            }
            let entry = ours[record.id]
            // The CRM's value is the sync's own write: its time is the Campaign change it carried.
            let written = stamp.of(record)
            let syncTime = entry?.sourceTime(value: crmValue, modifiedAt: record.modifiedAt, stamp: written)
            let fromSync = syncTime != nil
            let crmTime = syncTime ?? record.modifiedAt
            if let entry, entry.crmModifiedAt == nil, entry.matchesThis(value: crmValue, modifiedAt: record.modifiedAt, stamp: written) {
                settle.append(.init(id: record.id, value: crmValue, modifiedAt: record.modifiedAt, stamp: written))
            } else if let entry, entry.isFreshIntent, entry.value != crmValue {
                stale.append(record.id)
            }
            if ConflictRule.campaignChangeApplies(
                value: change.value, time: change.time, crmValue: crmValue, crmTime: crmTime, crmFromSync: fromSync) {
                toWrite.append((change, record.id, record))
            } else if change.value != crmValue && !fromSync {
                // The CRM's own value won: Campaign must end with it too, even if it
                // already had it before this change.
                announce.append(record.id)
            }
        }
        try await ledger.confirm(settle)
        try await ledger.forget(stale)
        try await ledger.askRepublish(announce)
        var changed: [OptOutChange] = []
        if writer.system != "dynamics" {
            let moved = try await self.changed(toWrite.map(\.read))
            changed = toWrite.filter { moved.contains($0.id) }.map(\.change)
            toWrite.removeAll { moved.contains($0.id) }
        }
        guard !toWrite.isEmpty else { return (result, changed) }
        try await ledger.intend(toWrite.map { ($0.id, $0.change.value, $0.change.time) })
        let writeStarted = Date()
        let results = try await writer.update(toWrite.map {
            CRMFlagUpdate(id: $0.id, value: $0.change.value, version: writer.system == "dynamics" ? stamp.of($0.read) : nil)
        })
        var refused: [String] = []
        var unsure: [(change: OptOutChange, id: String)] = []
        // The record as each write left it, when the CRM answered with it (Dynamics).
        var answered: [CRMRecord] = []
        for ((change, id, _), written) in zip(toWrite, results) {
            switch written.outcome {
            case .written:
                result.written += 1
                if let record = written.written { answered.append(record) }
            case .rejected(CRMFlagUpdate.changedSinceRead, _):
                // A CRM edit landed after the read: nothing written; decide again.
                refused.append(id)
                changed.append(change)
            case .rejected(CRMFlagUpdate.changedSinceReadAfterResend, _):
                unsure.append((change, id))
            case .rejected(let code, let message):
                refused.append(id)
                result.rejects.append(change.reject(code, message))
            }
        }
        let ownWrites = try await ownLostAnswers(unsure, since: writeStarted)
        for (change, id) in unsure {
            if ownWrites.contains(id) {
                result.written += 1
            } else {
                refused.append(id)
                changed.append(change)
            }
        }
        try await ledger.forget(refused)
        // The time and write stamp of each write: from the CRM's answer to the write itself
        // when it gave one (exact: nothing can land in between), else read back right after.
        let known = Set(answered.map { key($0.id) })
        let unread = Set(toWrite.map(\.id)).subtracting(refused).filter { !known.contains(key($0)) }
        let after = answered + (try await records(Array(unread))).values
        let sent = Dictionary(toWrite.map { (key($0.id), $0.change.value) }, uniquingKeysWith: { $1 })
        // Only the value written is the sync's: a record read back showing another value was
        // edited in the CRM after the write, and that edit must reach Campaign. (A person
        // saving the very value written between the write and the read-back passes for the
        // sync's write: Salesforce, and a Dynamics write whose answer was lost.)
        var overtaken: [String] = []
        try await ledger.confirm(after.compactMap { record in
            guard case .bool(let value) = record.fields[field] ?? .null else { return nil }
            guard value == sent[key(record.id)] else {
                overtaken.append(record.id)
                return nil
            }
            return .init(id: record.id, value: value, modifiedAt: record.modifiedAt, stamp: stamp.of(record))
        })
        try await ledger.forget(overtaken)
        return (result, changed)
    }

    /// The ids of `unsure` whose write an earlier send of the call applied before its
    /// answer was lost (the re-send was refused because of that very write): the record
    /// shows the value sent and was modified while the call was being sent, to the
    /// second. Anything else (another value, an older or a later modification) is
    /// someone else's edit, decided again. A person saving the same value within those
    /// seconds would pass for the sync's write (docs/opt-in-out.md).
    private func ownLostAnswers(_ unsure: [(change: OptOutChange, id: String)], since started: Date) async throws -> Set<String> {
        guard !unsure.isEmpty else { return [] }
        let now = try await records(unsure.map(\.id))
        let (first, last) = (ConflictRule.second(started), ConflictRule.second(Date()))
        return Set(unsure.compactMap { change, id in
            guard let record = now[key(id)], case .bool(let value) = record.fields[field] ?? .null, value == change.value,
                  (first...last).contains(ConflictRule.second(record.modifiedAt)) else { return nil }
            return id
        })
    }

    /// Salesforce has no conditional update (sObject Collections): the ids of `read`
    /// whose record moved (last-modified time or write stamp) since, read again just
    /// before the write. It narrows the window to that re-read and the write
    /// (docs/opt-in-out.md, "Concurrent CRM edits").
    private func changed(_ read: [CRMRecord]) async throws -> Set<String> {
        guard !read.isEmpty else { return [] }
        let now = try await records(read.map(\.id))
        return Set(read.filter { before in
            guard let after = now[key(before.id)] else { return false }  // gone: the write rejects it
            return after.modifiedAt != before.modifiedAt || stamp.of(after) != stamp.of(before)
        }.map(\.id))
    }

    /// The CRM's current records for `ids`, by `key`.
    private func records(_ ids: [String]) async throws -> [String: CRMRecord] {
        guard !ids.isEmpty else { return [:] }
        var found: [String: CRMRecord] = [:]
        for try await page in connector.records(ids: ids, query: query) {
            for record in page { found[key(record.id)] = record }
        }
        return found
    }

    /// Dynamics GUIDs compare without case; Salesforce ids are case-sensitive.
    private func key(_ id: String) -> String {
        writer.system == "dynamics" ? id.lowercased() : id
    }

    /// Why `id` cannot be a record id of this CRM (it would be refused in the query).
    private func idProblem(_ id: String) -> String? {
        if writer.system == "dynamics" {
            return UUID(uuidString: id) == nil ? "\"\(id.prefix(60))\" is not a Dynamics record id (a GUID)" : nil
        }
        let plain = id.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
        return plain && (id.count == 15 || id.count == 18) ? nil : "\"\(id.prefix(60))\" is not a Salesforce record id (15 or 18 letters and digits)"
    }
}
