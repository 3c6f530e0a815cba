/// What Dynamics change tracking reported since the previous delta link.
public struct DynamicsChanges: Sendable, Hashable {
    /// Rows created or updated (on the first call: every row of the table).
    public var changedIDs: [String]
    /// Rows deleted (`$deletedEntity`); always empty on the first call.
    public var deletedIDs: [String]
    /// The `@odata.deltaLink` to call next time.
    public var deltaLink: String

    public init(changedIDs: [String], deletedIDs: [String], deltaLink: String) {
        self.changedIDs = changedIDs
        self.deletedIDs = deletedIDs
        self.deltaLink = deltaLink
    }
}
