/// Salesforce's daily API allocation as an answer reports it:
/// `Sforce-Limit-Info: api-usage=18/5000` (other members may follow, comma-separated).
public struct CRMAllocationUsage: Sendable, Equatable {
    public var used: Int
    public var max: Int

    public init(used: Int, max: Int) {
        self.used = used
        self.max = max
    }

    /// The `api-usage` member of the header; nil when absent or unreadable.
    public init?(header: String?) {
        guard let header else { return nil }
        for member in header.split(separator: ",") {
            let pair = member.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == "api-usage" else { continue }
            let numbers = pair[1].split(separator: "/").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard numbers.count == 2, let used = numbers[0], let max = numbers[1], max > 0, used >= 0 else { return nil }
            self.init(used: used, max: max)
            return
        }
        return nil
    }

    /// Used share, 0…1 (more when over).
    public var share: Double { Double(used) / Double(max) }

    /// `91%`, rounded down so the text never claims less than it is.
    public var percentText: String { "\(Int((share * 100).rounded(.down)))%" }
}
