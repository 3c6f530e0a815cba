/// SplitMix64 (Steele, Lea, Flood): a small deterministic generator, so seeded data is
/// the same on every run. `mix` is its output function, usable alone as a stateless
/// hash of a counter.
struct SplitMix64: RandomNumberGenerator {
    static let golden: UInt64 = 0x9E37_79B9_7F4A_7C15

    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= Self.golden
        return Self.mix(state)
    }

    /// The finaliser: scrambles every bit of `value` into every bit of the result.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
