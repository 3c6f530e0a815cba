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
    /// The next this many successful write answers with a body (any method but GET,
    /// token requests excepted) are cut in half, one after the other, then none: a write
    /// the CRM applied whose answer is lost, at a moment a test chooses. Counted down as
    /// answers are cut.
    public var truncateNextWrites: Int = 0
    /// Milliseconds added before every answer.
    public var addedLatencyMilliseconds: Int = 0
    /// When set, every write call (any method but GET, token requests excepted) is refused
    /// as a whole with this status and error, in the CRM's error shape: a CRM that refuses
    /// the call itself (a user without the privilege, an API disabled for the org), not
    /// one record of it.
    public var refuseWrites: Refusal?

    /// A whole call refused: `{"status":403,"code":"…","message":"…"}`.
    public struct Refusal: Codable, Sendable, Equatable {
        public var status: Int
        public var code: String
        public var message: String

        public init(status: Int, code: String, message: String) {
            self.status = status
            self.code = code
            self.message = message
        }
    }

    public init() {}

    /// Problems with the settings, empty when valid.
    public var problems: [String] {
        var problems: [String] = []
        for (name, share) in [("throttleShare", throttleShare), ("unavailableShare", unavailableShare), ("truncateShare", truncateShare)]
        where !(0...1).contains(share) {
            problems.append("\(name) must be between 0 and 1")
        }
        if truncateNextWrites < 0 { problems.append("truncateNextWrites must not be negative") }
        if retryAfterSeconds < 0 { problems.append("retryAfterSeconds must not be negative") }
        if addedLatencyMilliseconds < 0 || addedLatencyMilliseconds > 60_000 {
            problems.append("addedLatencyMilliseconds must be between 0 and 60000")
        }
        if let refusal = refuseWrites, !(400...499).contains(refusal.status) {
            problems.append("refuseWrites.status must be a 4xx status (a refusal, not a transient fault)")
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
        truncateNextWrites = try c.decodeIfPresent(Int.self, forKey: .truncateNextWrites) ?? truncateNextWrites
        refuseWrites = try c.decodeIfPresent(Refusal.self, forKey: .refuseWrites)
    }
}
