import CRMConnectors
import Foundation

/// The window one run of an entity reads (SPEC §2.1): a full load when there is no
/// LASTIMPORT option yet (or a resync was asked for), otherwise
/// `[LASTIMPORT − lookBack, now)`.
///
/// The window ends at "now", to the millisecond: every second waited or rounded away here
/// is a second of change latency. Nothing between windows is skipped because LASTIMPORT
/// keeps whole seconds, rounded down (`LastImportOption.format`): the next window starts
/// at or before this one's end, and the look-back re-reads what a CRM commits late.
/// What is read twice is published once (`OverlapMemory`) and applied once (newer wins in
/// Campaign).
struct ImportWindow: Sendable, Equatable {
    /// `crmStartImport`; nil for a full load.
    var start: Date?
    /// The end (exclusive) of the records read; `crmEndDate`, rounded down to the
    /// second, is what the LASTIMPORT option takes once every record is in Kafka.
    var end: Date

    var isFullLoad: Bool { start == nil }

    static func next(lastImport: Date?, resync: Bool, lookBack: Duration, now: Date) -> ImportWindow {
        // Milliseconds: the precision of the CRMs' filter literals (`CRMTimestamp`).
        let end = Date(timeIntervalSince1970: (now.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
        guard let lastImport, !resync else { return ImportWindow(start: nil, end: end) }
        let start = lastImport.addingTimeInterval(-lookBack.seconds)
        return ImportWindow(start: min(start, end), end: end)
    }

    var modifiedWindow: ModifiedWindow? {
        start.map { ModifiedWindow(start: $0, end: end) }
    }

    /// Where the next window starts, so what it reads again of this one: the LASTIMPORT
    /// this window writes (its end, rounded down to the second) less the look-back.
    func nextStart(lookBack: Duration) -> Date {
        let lastImport = Date(timeIntervalSince1970: end.timeIntervalSince1970.rounded(.down))
        return min(lastImport.addingTimeInterval(-lookBack.seconds), end)
    }
}
