import Foundation
import Synchronization
import PostgresBridge
import TestSupport

/// The data of a scenario on both sides: the CRM's contacts, the contacts whose opt-out is
/// flipped (each with a profile in Campaign from the start, so a flip in the CRM has a row
/// to land on), the email events inserted into Campaign, and every flip made.
final class ChaosData: @unchecked Sendable {
    let stack: TestStack
    let profile: ChaosProfile
    private(set) var contactIDs: [String] = []
    private(set) var initialFlags: [String: Bool] = [:]
    private(set) var eventsInserted = 0
    private(set) var lastCRMFlip: [String: OptOutRule.Flip] = [:]
    private(set) var lastCampaignFlip: [String: OptOutRule.Flip] = [:]
    private(set) var flipsMade = 0
    private var flippedIn: [String: Int64] = [:]
    private var random: SeededGenerator

    var flipIDs: [String] { Array(contactIDs.prefix(profile.flipContacts)) }

    init(stack: TestStack, profile: ChaosProfile, seed: UInt64) {
        self.stack = stack
        self.profile = profile
        self.random = SeededGenerator(seed: seed)
    }

    /// Seeds the contacts in the CRM and the flip contacts' profiles in Campaign.
    func prepare() async throws {
        try await stack.seed(ChaosCRMSchema.of(stack).contactObject, count: profile.contacts)
        let flags = try await ChaosCRM.flags(stack)
        contactIDs = flags.keys.sorted()
        let ids = flipIDs
        initialFlags = flags.filter { ids.contains($0.key) }
        try await stack.withDatabase { database in
            try await database.execute(
                """
                INSERT INTO profiles (crm_id, blocklisted, blocklisted_at)
                SELECT id, flag, timestamptz '2020-01-01 00:00:00+00' FROM unnest($1::text[], $2::boolean[]) AS t(id, flag)
                """,
                [PostgresArrayLiteral.text(ids), PostgresArrayLiteral.text(ids.map { flags[$0]! ? "true" : "false" })])
        }
    }

    /// Inserts the next `count` email events (one transaction), pointing at the first
    /// thousand contacts in turn.
    func insertEvents(_ count: Int) async throws {
        guard count > 0 else { return }
        let first = eventsInserted + 1
        let last = eventsInserted + count
        let targets = Array(contactIDs.prefix(1_000))
        try await stack.withDatabase { database in
            try await database.execute(
                """
                INSERT INTO email_events (id, event_type, crm_id, occurred_at, campaign_name, delivery_name, url, bounce_type)
                SELECT g, ($3::text[])[1 + g % 4], ($4::text[])[1 + g % array_length($4::text[], 1)],
                       timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second',
                       'Campaign ' || (g % 7), 'Delivery ' || (g % 3),
                       CASE WHEN g % 4 = 2 THEN 'https://example.com/click/' || g END,
                       CASE WHEN g % 4 = 3 THEN 'hard' END
                FROM generate_series($1::bigint, $2::bigint) g
                """,
                [String(first), String(last), PostgresArrayLiteral.text(ChaosEvents.types), PostgresArrayLiteral.text(targets)])
        }
        eventsInserted = last
    }

    /// `count` random flips of the flip contacts, on either side, some on both sides in
    /// the same second (the rule's tie). A contact is flipped again only in a later second.
    /// Each round (3 to a fiftieth of all flips, at least 8) sends its CRM flips as one bulk call and its
    /// Campaign flips as one statement, so thousands of flips stay cheap on a CRM holding
    /// 200,000 contacts.
    func flip(_ count: Int) async throws {
        var done = 0
        // Bigger rounds than one flip: every CRM write makes the emulator sort its contacts
        // again for the next windowed read (docs/reliability.md).
        let roundSize = 3...max(8, profile.flips / 50)
        while done < count {
            let now = Int64(Date().timeIntervalSince1970.rounded(.down))
            let candidates = flipIDs.filter { flippedIn[$0] != now }
            var inCRM: [(id: String, value: Bool)] = []
            var inCampaign: [(id: String, value: Bool)] = []
            for id in candidates.shuffled(using: &random).prefix(min(count - done, Int.random(in: roundSize, using: &random))) {
                let value = Bool.random(using: &random)
                switch Int.random(in: 0..<5, using: &random) {
                case 0, 1: inCRM.append((id, value))
                case 2, 3: inCampaign.append((id, value))
                default:
                    inCRM.append((id, value))
                    inCampaign.append((id, !value))
                }
            }
            // The CRM first: a contact flipped on both sides is flipped in Campaign after.
            for (id, second) in try await ChaosCRM.flip(stack, inCRM) {
                lastCRMFlip[id] = .init(value: inCRM.first { $0.id == id }!.value, second: second)
            }
            for (id, second) in try await flipInCampaign(inCampaign) {
                lastCampaignFlip[id] = .init(value: inCampaign.first { $0.id == id }!.value, second: second)
            }
            done += inCRM.count + inCampaign.count
            let after = Int64(Date().timeIntervalSince1970.rounded(.down))
            for id in inCRM.map(\.id) + inCampaign.map(\.id) { flippedIn[id] = after }
            try await Task.sleep(for: .milliseconds(Int.random(in: 50...300, using: &random)))
        }
        flipsMade += done
    }

    /// A user sets the flags in Campaign, one statement (retried while the database
    /// restarts); answers each contact's second.
    private func flipInCampaign(_ flips: [(id: String, value: Bool)]) async throws -> [String: Int64] {
        guard !flips.isEmpty else { return [:] }
        return try await ChaosRetry.retrying("flip \(flips.count) contacts in Campaign") {
            let rows = try await stack.query(
                """
                UPDATE profiles p SET blocklisted = t.flag, blocklisted_at = clock_timestamp()
                FROM unnest($1::text[], $2::boolean[]) AS t(id, flag) WHERE p.crm_id = t.id
                RETURNING p.crm_id, p.blocklisted_at
                """,
                [PostgresArrayLiteral.text(flips.map(\.id)), PostgresArrayLiteral.text(flips.map { $0.value ? "true" : "false" })])
            var seconds: [String: Int64] = [:]
            for row in rows {
                guard let id = row["crm_id"], let time = try row.date("blocklisted_at") else { continue }
                seconds[id] = Int64(time.timeIntervalSince1970.rounded(.down))
            }
            guard seconds.count == flips.count else { throw TestStackError("\(flips.count - seconds.count) flip contacts have no profile") }
            return seconds
        }
    }

    /// What the conflict rule gives for each flip contact.
    var expectedFlags: [String: Bool] {
        Dictionary(uniqueKeysWithValues: flipIDs.map { id in
            (id, OptOutRule.expected(initial: initialFlags[id] ?? false, crm: lastCRMFlip[id], campaign: lastCampaignFlip[id]))
        })
    }

    /// The events and flips of a scenario, spread over `seconds` in ten steps, while its
    /// trouble happens.
    func load(over seconds: Int) async throws {
        let start = ContinuousClock.now
        for step in 0..<10 {
            try await ChaosRetry.retrying("insert email events") { try await self.insertEvents(self.profile.events * (step + 1) / 10 - self.eventsInserted) }
            try await flip(profile.flips * (step + 1) / 10 - flipsMade)
            let next = start + .seconds(seconds) * (Double(step + 1) / 10)
            if next > .now { try await Task.sleep(until: next) }
        }
    }
}

/// Retries a step of the test's own (a Campaign insert during a database restart, a CRM
/// call during injected faults) until it goes through. Failed attempts are counted in the
/// scenario's `failedAttempts` (a task-local its `run` sets): the faults the emulator
/// injected into the test's own calls are not the roles' to retry.
enum ChaosRetry {
    @TaskLocal static var failedAttempts: ChaosCount?

    static func retrying<T>(_ what: String, attempts: Int = 120, _ body: () async throws -> T) async throws -> T {
        var lastError: (any Error)?
        for _ in 0..<attempts {
            do { return try await body() } catch {
                lastError = error
                failedAttempts?.add(1)
                try await Task.sleep(for: .milliseconds(500))
            }
        }
        throw TestStackError("\(what) kept failing: \(lastError.map { "\($0)" } ?? "")")
    }
}

/// A count shared by the tasks of one scenario.
final class ChaosCount: Sendable {
    private let value = Mutex(0)

    func add(_ n: Int) { value.withLock { $0 += n } }
    var total: Int { value.withLock { $0 } }
}
