import CoreValues
import Foundation

/// The option that remembers where the incremental import of an entity stopped
/// (SPEC §2.1): named `LASTIMPORT_<instance>_<workflow>_<entity>`, valued
/// `yyyy/MM/dd HH:mm:ss` in UTC — the end (exclusive) of the last window fully in Kafka.
public enum LastImportOption {
    public static let prefix = "LASTIMPORT_"

    /// `LASTIMPORT_demo_crm-to-campaign_contact`.
    public static func name(instance: String, workflow: WorkflowName, entity: String) -> String {
        prefix + instance + "_" + workflow.rawValue + "_" + entity
    }

    /// The option's value for `date`, in UTC. Fractions of a second are dropped (rounded
    /// down), so the next window starts at or before the true end: nothing is skipped.
    public static func format(_ date: Date) -> String {
        let utc = DateTimeText(utc: date)
        let time = utc.time ?? DateTimeText.Time(hour: 0, minute: 0, second: 0)
        return digits(utc.year, 4) + "/" + digits(utc.month, 2) + "/" + digits(utc.day, 2) + " "
            + digits(time.hour, 2) + ":" + digits(time.minute, 2) + ":" + digits(time.second, 2)
    }

    /// Parses a value exactly in the form `yyyy/MM/dd HH:mm:ss` (UTC).
    public static func parse(_ text: String) -> Result<Date, LastImportOptionError> {
        let bytes = Array(text.utf8)
        let shape = "dddd/dd/dd dd:dd:dd"
        let example = "expected yyyy/MM/dd HH:mm:ss in UTC, e.g. 2024/01/31 23:59:59"
        guard bytes.count == shape.utf8.count else {
            return .failure(LastImportOptionError("\(shown(text)) has the wrong length; \(example)"))
        }
        for (index, (byte, expected)) in zip(bytes, shape.utf8).enumerated() {
            let ok = expected == UInt8(ascii: "d")
                ? (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) : byte == expected
            guard ok else {
                return .failure(LastImportOptionError(
                    "\(shown(text)) is malformed at character \(index + 1); \(example)"))
            }
        }
        let isoText = "\(String(decoding: bytes[0..<4], as: UTF8.self))-\(String(decoding: bytes[5..<7], as: UTF8.self))-"
            + "\(String(decoding: bytes[8..<10], as: UTF8.self))T\(String(decoding: bytes[11..<19], as: UTF8.self))Z"
        switch DateTimeText.parse(isoText, leniency: .rfc3339) {
        case .success(let value):
            return .success(value.date)
        case .failure(let error):
            return .failure(LastImportOptionError("\(shown(text)) is not a valid date-time: \(error.reason)"))
        }
    }

    private static func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

/// A LASTIMPORT option value that is not `yyyy/MM/dd HH:mm:ss`.
public struct LastImportOptionError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var isRetriable: Bool { false }
    public var description: String { message }
}
