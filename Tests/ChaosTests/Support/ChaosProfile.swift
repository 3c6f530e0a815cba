import Foundation

/// How big the chaos scenarios are. `make test` runs the short profile (a few minutes,
/// every scenario scaled down, on Dynamics); `make chaos`
/// sets `CHAOS_PROFILE=full` (every scenario, kills at the sizes of issue 16, every
/// scenario on both CRMs). `CHAOS_CONTACTS`, `CHAOS_EVENTS`, `CHAOS_FLIPS` and
/// `CHAOS_KILLS` override one size of either profile (`CHAOS_CONTACTS` caps the other
/// scenarios' contacts too); `CHAOS_CRMS` (`dynamics`, `salesforce` or both, comma-separated)
/// chooses the CRMs the scenarios run against (scripts/chaos.sh runs one test process per CRM).
struct ChaosProfile: Sendable {
    var name: String
    /// CRM contacts loaded into Campaign's `profiles` (crm-to-campaign) in the kills
    /// scenario.
    var contacts: Int
    /// Contacts of every other scenario: their trouble
    /// happens mid-load, which a smaller load reaches as well, and the full run stays
    /// within its 30 minutes.
    var otherContacts: Int
    /// The CRMs every scenario runs against.
    var crms: [ChaosCRMSchema]
    /// Campaign email events exported to the CRM (campaign-to-crm).
    var events: Int
    /// Opt-out flips on either side (opt-in-out), over `flipContacts` contacts.
    var flips: Int
    var flipContacts: Int
    /// SIGKILLs of the kills scenario, and the pause before each one.
    var kills: Int
    var killPause: ClosedRange<Int>
    /// The least time the kills go on, in seconds.
    var killSeconds: Int
    /// Lock connections terminated in the reader-takeover scenario.
    var takeovers: Int
    /// How long the broker's node stays down.
    var brokerOutageSeconds: Int
    /// The least load of the database-restart scenario, in seconds.
    var databaseRestartLoadSeconds: Int
    /// How long one of two writers is killed and started again, in seconds.
    var rebalanceSeconds: Int
    /// How long the whole stack may take to converge after a scenario's trouble (each of
    /// the checks' waits). A passing full run converges within a minute at 200,000
    /// contacts; a scenario that will not converge fails without taking the run past its
    /// 30 minutes.
    var convergeTimeout: Duration

    var isFull: Bool { name == "full" }

    static let short = ChaosProfile(
        name: "short", contacts: 3_000, otherContacts: 3_000, crms: [.dynamics], events: 600, flips: 60, flipContacts: 40,
        kills: 5, killPause: 2...4, killSeconds: 10, takeovers: 3, brokerOutageSeconds: 10,
        databaseRestartLoadSeconds: 20, rebalanceSeconds: 15, convergeTimeout: .seconds(240))

    static let full = ChaosProfile(
        name: "full", contacts: 200_000, otherContacts: 20_000, crms: [.dynamics, .salesforce], events: 20_000, flips: 2_000,
        flipContacts: 500, kills: 15, killPause: 5...10, killSeconds: 120, takeovers: 6, brokerOutageSeconds: 30,
        databaseRestartLoadSeconds: 40, rebalanceSeconds: 45, convergeTimeout: .seconds(150))

    /// This profile with `contacts` contacts.
    func with(contacts: Int) -> ChaosProfile {
        var profile = self
        profile.contacts = contacts
        return profile
    }

    /// The size of `scenario`: kills at full size on either CRM, every other at `otherContacts`.
    func sized(for scenario: String, crm: ChaosCRMSchema) -> ChaosProfile {
        scenario == "kills" ? self : with(contacts: otherContacts)
    }

    static let current: ChaosProfile = {
        let environment = ProcessInfo.processInfo.environment
        var profile = environment["CHAOS_PROFILE"] == "full" ? full : short
        func size(_ key: String) -> Int? { environment[key].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil } }
        if let value = size("CHAOS_CONTACTS") {
            profile.contacts = value
            profile.otherContacts = min(profile.otherContacts, value)
        }
        if let value = size("CHAOS_EVENTS") { profile.events = value }
        if let value = size("CHAOS_FLIPS") { profile.flips = value }
        if let value = size("CHAOS_KILLS") { profile.kills = value }
        if let names = environment["CHAOS_CRMS"], !names.isEmpty {
            profile.crms = [ChaosCRMSchema.dynamics, .salesforce].filter { names.split(separator: ",").contains(Substring($0.kind.rawValue)) }
        }
        return profile
    }()
}
