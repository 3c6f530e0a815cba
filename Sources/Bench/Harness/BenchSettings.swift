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
    /// Only these benchmarks (by name); empty for all.
    var only: [String] = []
    /// Where the JSON goes.
    var outputPath: String
    /// Makes topic, group and database names of this run unique.
    let runID: String = String(UInt64(Date().timeIntervalSince1970 * 1000) % 1_000_000_000, radix: 36)
}
