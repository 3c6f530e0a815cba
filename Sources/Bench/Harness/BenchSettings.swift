import Foundation

/// What one `crmbridge-bench` run measures, from its options (and `BENCH_*` variables).
struct BenchSettings: Sendable {
    /// The N of the headline figures (`BENCH_N`, default 1,000,000).
    var records: Int
    /// Every N the per-scale benchmarks run at, ascending; always includes `records`.
    var scales: [Int]
    /// Records of one page / one writer batch of the ceilings, as the product's config.
    var pageSize = 5000
    /// Change latency: changes per second, for how long, over how many contacts.
    var latencyRate = 200
    var latencyDuration: Duration = .seconds(60)
    var latencyContacts = 10_000
    /// The reader's `interval` in the latency run (the product's default is 30 s).
    var latencyInterval = "1s"
    /// Egress: email events written to the CRM (`--egress-events`, `BENCH_EGRESS_N`).
    var egressEvents = 200_000
    /// `BENCH_EGRESS_RULES=1` (`--egress-rules`): egress-crm also runs its budget-limited
    /// setting with each rule of the budget limiter changed in turn.
    var egressRules = false
    /// `BENCH_PROFILE` (`--profile`): `full` adds the long points (egress end to end at
    /// 1,000,000 events) to the default run; `scale` is issue 17's profile, which
    /// scripts/bench.sh runs alone (`--only scale`).
    var profile = Profile.standard
    /// Only these benchmarks (by name); empty for all.
    var only: [String] = []
    /// Where the JSON goes.
    var outputPath: String

    enum Profile: String, Sendable {
        case standard = "default"
        case full
        case scale
    }

    /// Partitions of a topic that must hold `records` envelopes on the local broker. The
    /// librdkafka mock broker keeps only the last 5 MiB of each partition (older message
    /// sets are dropped as new ones arrive; 2.0.2 has no setting for it), about 11,000 of
    /// the bench's envelopes (~450 B on the wire): 8,000 per partition leaves room.
    static func partitions(holding records: Int) -> Int {
        max(4, (records + 7999) / 8000)
    }

    /// The same for a topic whose producer compresses with lz4 (`Compression.scaleProperties`):
    /// the broker keeps the compressed batches, ~150 B per envelope in batches of 5–10
    /// (measured with `lz4 -1` on envelopes of this bench: 187 B at 3 a batch, 134 B at 8,
    /// 100 B at 60), so 20,000 per partition fill 3–4 of the 5 MiB.
    static func partitions(holdingCompressed records: Int) -> Int {
        max(4, (records + 19_999) / 20_000)
    }

    /// `BENCH_KAFKA_PROPERTIES="a=1,b=2"` read as librdkafka properties, and the pairs that
    /// are not `key=value` (refused by the bench command before anything starts).
    static func kafkaProperties(_ text: String) -> (properties: [String: String], malformed: [String]) {
        var properties: [String: String] = [:]
        var malformed: [String] = []
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = parts[0].trimmingCharacters(in: .whitespaces)
            if parts.count == 2, !key.isEmpty, !parts[1].isEmpty {
                properties[key] = String(parts[1])
            } else {
                malformed.append(String(pair))
            }
        }
        return (properties, malformed)
    }
}
