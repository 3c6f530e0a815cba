import CoreValues

/// The org's daily API request allocation (`Sforce-Limit-Info: api-usage=N/M`),
/// counted over a rolling 24 hours from the first request of the window.
struct SalesforceAPIUsage: Sendable {
    var allocation: Int
    private(set) var used = 0
    private var windowStart: Int64?

    init(allocation: Int) { self.allocation = allocation }

    /// Counts one request; false when the allocation is spent (the request is refused).
    mutating func consume(now: Int64) -> Bool {
        if let start = windowStart, now - start >= CivilCalendar.millisecondsPerDay {
            used = 0
            windowStart = nil
        }
        if windowStart == nil { windowStart = now }
        guard used < allocation else { return false }
        used += 1
        return true
    }

    mutating func setUsed(_ value: Int) { used = max(0, value) }

    var headerValue: String { "api-usage=\(used)/\(allocation)" }
}
