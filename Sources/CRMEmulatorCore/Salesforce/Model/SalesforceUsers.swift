/// The org's users. A connected app's client credentials run as one user, and every
/// write records it (`CreatedById`, `LastModifiedById`), as on the platform: that is how
/// an integration tells its own writes from a person's edit made in the same second
/// (`SystemModstamp` has whole seconds).
enum SalesforceUsers {
    /// The user of the demo connected app (`crmbridge-demo`): the integration's user.
    static let integration = "005Hn000000CRMBEAA"
    /// The user of the second connected app (`crmbridge-user`): a person editing the org.
    static let person = "005Hn000000PRSNEAA"

    /// The user the current request runs as (its session's), the integration user
    /// outside a request (seeding, admin calls).
    @TaskLocal static var acting = integration
}
