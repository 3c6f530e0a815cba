import Foundation

/// The bidirectional conflict rule of SPEC §2.3, for a Campaign change against the
/// CRM's current value (the other direction is the same rule in SQL, `BlocklistWriter`):
///
/// - the CRM's value was written by this sync from an earlier Campaign change → the new
///   Campaign change is simply newer on the same side, and applies when its time is not
///   older (a replayed old message does not);
/// - otherwise times are compared to the second, the CRM's precision (its last-modified
///   time is record-level and has whole seconds): the newer wins; within the same second
///   the order cannot be known, so it is a tie and opt-out = true wins;
/// - an equal value is never written (no new change, no echo).
enum ConflictRule {
    static func second(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) }

    /// Whether a Campaign change (`value` at `time`) replaces the CRM's `crmValue`.
    /// - Parameter crmTime: the CRM record's last-modified time, or, when `crmFromSync`,
    ///   the Campaign time of the change this sync wrote there.
    static func campaignChangeApplies(value: Bool, time: Date, crmValue: Bool, crmTime: Date, crmFromSync: Bool) -> Bool {
        guard value != crmValue else { return false }
        if crmFromSync { return time >= crmTime }
        let campaign = second(time)
        let crm = second(crmTime)
        return campaign > crm || (campaign == crm && value)
    }
}
