/// Deterministic pseudo-random draws for seeded record `index` (SplitMix64 of
/// the index and a per-purpose salt): the same index always gives the same
/// values, whatever was seeded before.
struct SalesforceSeedValues {
    let index: Int
    let salt: UInt64

    func draw(_ bound: Int, _ purpose: UInt64) -> Int {
        guard bound > 0 else { return 0 }
        let z = UInt64(truncatingIfNeeded: index) &* SplitMix64.golden &+ salt &+ purpose &* 0xBF58_476D_1CE4_E5B9
        return Int(SplitMix64.mix(z) % UInt64(bound))
    }

    func pick<T>(_ values: [T], _ purpose: UInt64) -> T {
        values[draw(values.count, purpose)]
    }

    func chance(_ percent: Int, _ purpose: UInt64) -> Bool {
        draw(100, purpose) < percent
    }

    /// Digits for ids and numbers shown to people: `000042`.
    static func padded(_ value: Int, width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    // Names with apostrophes, quotes, a backslash and non-ASCII letters, so
    // escaping is exercised end to end. Each has an ASCII slug for emails.
    static let firstNames: [(String, String)] = [
        ("Anna", "anna"), ("Zoë", "zoe"), ("José", "jose"), ("Chloé", "chloe"), ("Søren", "soren"),
        ("Renée", "renee"), ("Li", "li"), ("Mary-Jane", "mary-jane"), ("Jürgen", "jurgen"), ("Aoife", "aoife"),
        ("Mohammed", "mohammed"), ("Ольга", "olga"), ("Giulia", "giulia"), ("Tom", "tom"), ("Emma", "emma"),
        ("Lucas", "lucas"), ("Noah", "noah"), ("Mia", "mia"), ("Hiroshi", "hiroshi"), ("Fatima", "fatima"),
    ]

    static let lastNames: [(String, String)] = [
        ("Smith", "smith"), ("O'Brien", "obrien"), ("D'Angelo", "dangelo"), ("Müller", "muller"),
        ("Nguyễn", "nguyen"), ("Østergaard", "ostergaard"), ("García", "garcia"), ("Dubois", "dubois"),
        ("Rossi", "rossi"), ("Kowalski", "kowalski"), ("Smith \"Smitty\"", "smitty"), ("Wong\\Chan", "wongchan"),
        ("李", "li"), ("Johnson", "johnson"), ("Martin", "martin"), ("Bernard", "bernard"), ("Jansen", "jansen"),
        ("Silva", "silva"), ("Yılmaz", "yilmaz"), ("Andersson", "andersson"),
    ]

    static let cities: [(String, String)] = [
        ("Paris", "France"), ("Zürich", "Switzerland"), ("São Paulo", "Brazil"), ("Kraków", "Poland"),
        ("東京", "Japan"), ("New York", "United States"), ("London", "United Kingdom"), ("Berlin", "Germany"),
        ("Madrid", "Spain"), ("Montréal", "Canada"),
    ]

    static let companies = [
        "Acme", "O'Reilly & Sons", "Müller GmbH", "Société Générale Démo", "Globex", "Initech", "Umbrella",
        "Stark \"Industries\"", "Wayne Enterprises", "Tyrell", "Cyberdyne", "Soylent",
    ]

    static let industries = ["Technology", "Retail", "Banking", "Healthcare", "Manufacturing", "Media", "Education"]
    static let titles = ["CEO", "CTO", "Marketing Manager", "Sales Director", "Engineer", "Analyst", "Buyer"]
    static let bounceReasons = ["550 5.1.1 User unknown", "552 Mailbox full", "554 5.7.1 Message rejected"]
    static let leadStatuses = ["Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted"]
    static let leadSources = ["Web", "Phone Inquiry", "Partner Referral", "Trade Show", "Other"]
    static let stages = ["Prospecting", "Qualification", "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost"]
    static let levels = ["Bronze", "Silver", "Gold", "Platinum"]
}
