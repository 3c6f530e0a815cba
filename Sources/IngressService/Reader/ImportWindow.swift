import Foundation
import Shared

/// The window one run of an entity reads (SPEC §2.1): a full load when there is no
/// LASTIMPORT option yet (or a resync was asked for), otherwise
/// `[LASTIMPORT − lookBack, now − settle)`.
struct ImportWindow: Sendable, Equatable {
    /// `crmStartImport`; nil for a full load.
    var start: Date?
    /// `crmEndDate`: the value the LASTIMPORT option takes once every record is in Kafka.
    var end: Date

    var isFullLoad: Bool { start == nil }

    /// How far behind "now" a window ends. Zero: the look-back already re-reads what a
    /// CRM commits late, and every second waited here is a second of change latency
    /// (the window end is also rounded down to whole seconds, the option's precision).
    static let settle: Duration = .zero

    static func next(lastImport: Date?, resync: Bool, lookBack: Duration, now: Date) -> ImportWindow {
        // Option values have whole seconds: round the end down, so the stored value is
        // exactly the window's end and nothing between the two is skipped.
        let end = Date(timeIntervalSince1970: (now.timeIntervalSince1970 - settle.seconds).rounded(.down))
        guard let lastImport, !resync else { return ImportWindow(start: nil, end: end) }
        let start = lastImport.addingTimeInterval(-lookBack.seconds)
        return ImportWindow(start: min(start, end), end: end)
    }

    var modifiedWindow: ModifiedWindow? {
        start.map { ModifiedWindow(start: $0, end: end) }
    }
}
