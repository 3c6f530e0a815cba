/// Faults the emulator injects into CRM answers (never into `/admin`), set through
/// `PUT /admin/faults`. Shares are probabilities in `0...1`, drawn per request.
public struct FaultSettings: Codable, Sendable, Equatable {
    /// Share of answers replaced by 429 with `Retry-After`.
    public var throttleShare: Double = 0
    /// `Retry-After` seconds sent with an injected 429.
    public var retryAfterSeconds: Int = 1
    /// Share of answers replaced by 503.
    public var unavailableShare: Double = 0
    /// Share of successful answers whose body is cut in half.
    public var truncateShare: Double = 0
    /// Milliseconds added before every answer.
    public var addedLatencyMilliseconds: Int = 0

    public init() {}

    /// Problems with the settings, empty when valid.
    public var problems: [String] {
        var problems: [String] = []
        for (name, share) in [("throttleShare", throttleShare), ("unavailableShare", unavailableShare), ("truncateShare", truncateShare)]
        where !(0...1).contains(share) {
            problems.append("\(name) must be between 0 and 1")
        }
        if retryAfterSeconds < 0 { problems.append("retryAfterSeconds must not be negative") }
        if addedLatencyMilliseconds < 0 || addedLatencyMilliseconds > 60_000 {
            problems.append("addedLatencyMilliseconds must be between 0 and 60000")
        }
        return problems
    }
}

extension FaultSettings {
    /// Every key is optional: what is left out keeps its default (no fault).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        throttleShare = try c.decodeIfPresent(Double.self, forKey: .throttleShare) ?? throttleShare
        retryAfterSeconds = try c.decodeIfPresent(Int.self, forKey: .retryAfterSeconds) ?? retryAfterSeconds
        unavailableShare = try c.decodeIfPresent(Double.self, forKey: .unavailableShare) ?? unavailableShare
        truncateShare = try c.decodeIfPresent(Double.self, forKey: .truncateShare) ?? truncateShare
        addedLatencyMilliseconds = try c.decodeIfPresent(Int.self, forKey: .addedLatencyMilliseconds) ?? addedLatencyMilliseconds
    }
}
