/// One benchmark of the suite. To add figures (another workflow, another ceiling), write a
/// type conforming to `Benchmark` and list it in `BenchmarkRegistry.all`; the runner
/// times nothing itself, prints the figures returned and writes them to the JSON.
///
/// Benchmarks run in the registry's order: per-scale ones once for every N (small N
/// first), then the others once. A benchmark may read figures an earlier one recorded
/// (`BenchContext.figure`), e.g. to divide end to end by the slowest ceiling.
protocol Benchmark: Sendable {
    /// Stable name, used by `--only` and in the JSON (`initial-load`).
    var name: String { get }
    /// One line saying what is measured.
    var summary: String { get }
    /// Whether the benchmark runs once per N (`--scales`) or once per run.
    var perScale: Bool { get }
    /// Whether `make bench` runs it when no `--only` is given; an hour-long profile
    /// (`scale`) runs only when named (`BENCH_PROFILE=scale`).
    var inDefaultRun: Bool { get }
    /// Runs at `scale` records (`nil` when `perScale` is false) and returns its figures.
    /// Throwing records a failure in the report; the suite goes on.
    func run(_ context: BenchContext, scale: Int?) async throws -> [Figure]
    /// Topics the local broker must create before the run (`crmbridge dev-broker --topic`),
    /// for those that need more partitions than auto-creation gives (4): the librdkafka
    /// mock broker keeps only the last 5 MiB of each partition.
    func brokerTopics(scale: Int?, settings: BenchSettings) -> [BrokerTopic]
}

extension Benchmark {
    var inDefaultRun: Bool { true }

    func brokerTopics(scale: Int?, settings: BenchSettings) -> [BrokerTopic] { [] }
}
