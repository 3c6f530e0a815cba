import Foundation

/// A half-open window `[start, end)` of the last-modified field: a record modified exactly
/// at `start` is in the window, one modified exactly at `end` belongs to the next one.
public struct ModifiedWindow: Sendable, Hashable, CustomStringConvertible {
    public var start: Date
    public var end: Date

    public init(start: Date, end: Date) {
        self.start = start
        self.end = end
    }

    /// True when no instant can fall inside (`end <= start`).
    public var isEmpty: Bool { end <= start }

    public func contains(_ date: Date) -> Bool { start <= date && date < end }

    public var description: String {
        "[\(CRMTimestamp.string(start)), \(CRMTimestamp.string(end)))"
    }
}
