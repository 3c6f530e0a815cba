/// A mapped Campaign table or column that is missing, or a key without the unique index
/// an upsert needs. Only an operator can fix it, so a role turns it into its workflow's
/// FAILED reason; the message names the entity, the table and the column.
public struct CampaignSchemaMismatch: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
