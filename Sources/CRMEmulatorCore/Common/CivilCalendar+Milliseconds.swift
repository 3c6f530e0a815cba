import CoreValues
import Foundation

/// The integer forms both emulated CRMs keep time in: milliseconds since
/// 1970-01-01T00:00:00Z for date-times and days since 1970-01-01 for dates, so comparisons
/// are integer comparisons. Each CRM writes its own wire format on top of this
/// (`DynamicsDateTime`, `SalesforceDateTime`); the calendar itself is CoreValues'.
extension CivilCalendar {
    static let millisecondsPerDay: Int64 = 86_400_000

    /// Now, truncated to whole seconds: both CRMs store date-times with second precision,
    /// so equal timestamps are common (as they are on a real system).
    static func nowWholeSeconds() -> Int64 {
        Int64(Date().timeIntervalSince1970) * 1000
    }

    /// The day an instant falls on (rounding down, also before 1970).
    static func days(of milliseconds: Int64) -> Int {
        split(milliseconds, unitsPerDay: millisecondsPerDay).days
    }

    /// Milliseconds since midnight UTC of the instant's day (0 ..< 86 400 000).
    static func millisecondOfDay(_ milliseconds: Int64) -> Int {
        Int(split(milliseconds, unitsPerDay: millisecondsPerDay).rest)
    }

    static func startOfDay(_ milliseconds: Int64) -> Int64 {
        milliseconds - split(milliseconds, unitsPerDay: millisecondsPerDay).rest
    }

    static func truncatedToMinute(_ milliseconds: Int64) -> Int64 {
        milliseconds - split(milliseconds, unitsPerDay: 60_000).rest
    }
}
