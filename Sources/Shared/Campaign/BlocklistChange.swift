import Foundation

/// One settled opt-out change read from Campaign: the profile's CRM id, its flag and
/// the flag's own time (nil when the application did not set it: the writer rejects
/// that), and whether opt-in-out itself wrote it (then it is not sent back).
public struct BlocklistChange: Sendable, Equatable {
    public var cursor: BlocklistCursor
    public var crmID: String
    public var blocklisted: Bool
    public var blocklistedAt: Date?
    /// Written by opt-in-out's Campaign writer (its transaction is in
    /// `crmbridge.optout_sync_xids`): an echo, skipped by the reader.
    public var writtenBySync: Bool

    public init(cursor: BlocklistCursor, crmID: String, blocklisted: Bool, blocklistedAt: Date?, writtenBySync: Bool) {
        self.cursor = cursor
        self.crmID = crmID
        self.blocklisted = blocklisted
        self.blocklistedAt = blocklistedAt
        self.writtenBySync = writtenBySync
    }
}
