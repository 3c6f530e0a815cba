import CoreValues
import Foundation

/// Datetimes as the CRMs write them (Dynamics `2023-04-07T21:59:01Z`, Salesforce
/// `2013-05-20T20:49:32.000+0000`) and as their query languages take them, on top of the
/// Envelope's `DateTimeText`.
enum CRMTimestamp {
    /// The instant of a date-time with a zone; nil for anything else (a date only, no zone).
    static func parse(_ text: String) -> Date? {
        guard case .success(let value) = DateTimeText.parse(text, leniency: leniency),
              value.hasTime, value.offsetSeconds != nil
        else { return nil }
        return value.date
    }

    /// A literal for OData `$filter`, SOQL `WHERE` and replication URLs:
    /// `yyyy-MM-ddTHH:mm:ssZ`, with milliseconds (truncated) only when there are any.
    static func string(_ date: Date) -> String {
        var value = DateTimeText(utc: date)
        if var time = value.time, time.fraction.count > 3 {
            time.fraction = String(time.fraction.prefix(3))
            value.time = time
        }
        return value.utcString
    }

    /// A SOQL datetime literal in whole seconds, `yyyy-MM-ddTHH:mm:ssZ`, the fraction cut
    /// off. Salesforce documents its literals in whole seconds only and stores datetimes in
    /// whole seconds, so cutting loses no record: both ends of a window are cut the same
    /// way, and consecutive windows (`[start, end)`) stay contiguous.
    static func soqlString(_ date: Date) -> String {
        string(Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)))
    }

    private static let leniency = DateTimeText.Leniency(
        dateOnly: false, spaceSeparator: false, missingOffset: false, compactOffset: true, missingSeconds: false)
}
