import Campaign
import Config

/// Which rows of `email_events` the reader publishes (SPEC §2.2): each type can be
/// switched off, and bounces go only when hard. A row of an unknown `event_type` is
/// published all the same, so the writer rejects it with its id and nothing is
/// dropped silently.
struct EmailEventSelection: Sendable {
    static let knownTypes: Set<String> = ["send", "open", "click", "bounce"]

    let enabledTypes: Set<String>
    let hardBouncesOnly: Bool

    init(_ config: CampaignToCRMConfig.EmailEvents) {
        self.enabledTypes = Set(config.types.enabledTypes)
        self.hardBouncesOnly = config.hardBouncesOnly
    }

    func accepts(_ row: EmailEventRow) -> Bool {
        guard let type = row.eventType, Self.knownTypes.contains(type) else { return true }
        guard enabledTypes.contains(type) else { return false }
        if type == "bounce", hardBouncesOnly {
            return row.bounceType?.lowercased() == "hard"
        }
        return true
    }
}
