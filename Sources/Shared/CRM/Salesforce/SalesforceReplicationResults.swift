import Foundation

/// The answer of `getDeleted` (`/sobjects/<Object>/deleted/`).
public struct SalesforceDeletedResult: Sendable, Hashable {
    public var records: [CRMDeletedRecord]
    /// The oldest date the org still keeps deletes for.
    public var earliestDateAvailable: Date?
    /// Up to when the answer is complete; the next window should start there.
    public var latestDateCovered: Date?
}

/// The answer of `getUpdated` (`/sobjects/<Object>/updated/`).
public struct SalesforceUpdatedResult: Sendable, Hashable {
    public var ids: [String]
    public var latestDateCovered: Date?
}
