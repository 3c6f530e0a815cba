import CRMConnectors
import Campaign
import Config
import CoreValues
import Foundation
import KafkaBridge
import Logging
import PostgresBridge
import WorkflowRuntime

/// The CRM side of opt-in-out's initial alignment (docs/opt-in-out.md): on the very first
/// start (no `LASTIMPORT_<instance>_opt-in-out_contact` option) the CRM reader publishes
/// the current flag of every contact that has a Campaign profile once, read with the
/// source connector's full read and streamed page by page (memory stays bounded by a
/// page), and the writer applies them with the conflict rule like any change. Only then
/// is the option set, to the instant the read began: the incremental windows start there
/// (minus the look-back), so a change made during the alignment is read too, and a
/// restart does not align again. A reader stopped midway aligns again from the start
/// (applying a value twice writes nothing).
///
/// Contacts that have no profile yet (crm-to-campaign may be creating them right now)
/// are waited for `profileGrace`, rechecked every `interval`; those that get one are
/// published with their current CRM value, the others are left out (counted in the
/// role's details and logged): they are not opt-out changes, so no reject for each.
struct CRMInitialAlignment: Sendable {
    let config: OptInOutConfig
    let table: BlocklistTable
    let system: Envelope.System
    let stamp: CRMWriteStamp
    let logger: Logger
    /// How long contacts without a profile are waited for.
    var profileGrace: Duration = .seconds(30)
    /// At most this many contacts are waited for; beyond, they are left out at once.
    var maxWaiting = 100_000

    struct Outcome: Sendable, Equatable {
        var read = 0
        var published = 0
        var withoutProfile = 0
    }

    /// Aligns when `optionName` does not exist; returns nil when it does (not a first start).
    func runIfFirstStart(
        optionName: String, connector: any CRMSourceConnector, database: PostgresConnection, producer: KafkaProducer,
        run: RoleRun
    ) async throws -> Outcome? {
        let options = OptionStore(database: database)
        guard try await options.get(optionName) == nil else { return nil }
        let began = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded(.down) / 1000)
        run.setDetail("alignment", "reading every contact")
        logger.notice("first start: aligning Campaign with every contact's current opt-out flag")
        let profiles = BlocklistAlignment(table: table)
        let ledger = OptOutEchoLedger(database: database)
        let query = stamp.query(config)
        var outcome = Outcome()
        var waiting: [String] = []
        for try await page in connector.pages(query, modifiedIn: nil) {
            try Task.checkCancellation()
            run.health.connected(.crm)
            outcome.read += page.count
            let known = try await profiles.profiles(page.map(\.id), on: database)
            try await publish(page.filter { known.contains($0.id) }, ledger: ledger, producer: producer, run: run, outcome: &outcome)
            for record in page where !known.contains(record.id) {
                if waiting.count < maxWaiting { waiting.append(record.id) } else { outcome.withoutProfile += 1 }
            }
            run.setDetail("alignment", "\(outcome.read) contacts read, \(outcome.published) published")
        }
        let deadline = ContinuousClock.now + profileGrace
        while !waiting.isEmpty, ContinuousClock.now < deadline {
            run.setDetail("alignment", "\(waiting.count) contacts wait for their Campaign profile")
            try await Task.sleep(for: config.interval)
            var found: [String] = []
            for start in stride(from: 0, to: waiting.count, by: 1000) {
                let chunk = Array(waiting[start..<min(start + 1000, waiting.count)])
                found += try await profiles.profiles(chunk, on: database)
            }
            guard !found.isEmpty else { continue }
            // Their current value: the one read earlier may have changed since.
            for try await page in connector.records(ids: found, query: query) {
                try await publish(page, ledger: ledger, producer: producer, run: run, outcome: &outcome)
            }
            let done = Set(found)
            waiting.removeAll { done.contains($0) }
        }
        outcome.withoutProfile += waiting.count
        try await options.set(optionName, LastImportOption.format(began))
        let summary = "\(outcome.read) contacts read, \(outcome.published) published"
            + (outcome.withoutProfile > 0 ? ", \(outcome.withoutProfile) without a Campaign profile left out" : "")
        run.setDetail("alignment", summary)
        logger.notice("initial alignment done", metadata: [
            "read": "\(outcome.read)", "published": "\(outcome.published)", "withoutProfile": "\(outcome.withoutProfile)"])
        return outcome
    }

    private func publish(
        _ page: [CRMRecord], ledger: OptOutEchoLedger, producer: KafkaProducer, run: RoleRun, outcome: inout Outcome
    ) async throws {
        guard !page.isEmpty else { return }
        // What this sync wrote into the CRM is Campaign's value already: never sent back,
        // here as in the incremental windows (no echo).
        let ours = try await ledger.entries(page.map(\.id))
        let records = page.filter { record in
            guard case .bool(let flag) = record.fields[config.crmField] ?? .null, let entry = ours[record.id] else { return true }
            return !entry.matches(value: flag, modifiedAt: record.modifiedAt, stamp: stamp.of(record))
        }
        guard !records.isEmpty else { return }
        try await OptOutEnvelopes.send(
            records.map { OptOutEnvelopes.fromCRM($0, system: system, field: config.crmField) },
            topic: Topics.optOutFromCRM, producer: producer, configVersion: run.configVersion)
        run.health.connected(.kafka)
        run.counters.published(records.count, entity: "from-crm")
        outcome.published += records.count
    }
}

extension CRMChangeReader {
    /// The initial alignment, before the first incremental window (a no-op on later starts).
    func alignOnFirstStart(
        _ settings: OptOutSettings, connector: any CRMSourceConnector, database: PostgresConnection, producer: KafkaProducer,
        run: RoleRun
    ) async throws {
        guard let system = Envelope.System(rawValue: connector.system) else {
            throw RoleFailure("unknown CRM system \(connector.system)")
        }
        let alignment = CRMInitialAlignment(
            config: settings.config, table: try settings.blocklistTable(), system: system,
            stamp: CRMWriteStamp(kind: base.connections.crm.kind), logger: logger)
        let optionName = LastImportOption.name(instance: base.instance, workflow: .optInOut, entity: OptOutEnvelopes.entity)
        _ = try await alignment.runIfFirstStart(
            optionName: optionName, connector: connector, database: database, producer: producer, run: run)
    }
}
