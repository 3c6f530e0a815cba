/// SPEC §2.3's conflict rule as the end-to-end tests compute it, from the flips alone
/// (independently of the product's `ConflictRule`, so a bug there cannot hide itself).
public enum OptOutRule {
    /// The last flip of one contact on one side.
    public struct Flip: Sendable {
        public var value: Bool
        /// Seconds since 1970 (the CRM's precision).
        public var second: Int64

        public init(value: Bool, second: Int64) {
            self.value = value
            self.second = second
        }
    }

    /// Campaign newer wins; CRM newer or a tie (the same second) → opt-out = true.
    public static func expected(initial: Bool, crm: Flip?, campaign: Flip?) -> Bool {
        switch (crm, campaign) {
        case (nil, nil): initial
        case (let crm?, nil): crm.value
        case (nil, let campaign?): campaign.value
        case (let crm?, let campaign?):
            campaign.second > crm.second ? campaign.value
                : crm.second > campaign.second ? crm.value : (crm.value || campaign.value)
        }
    }
}
