/// Every benchmark of `make bench`, in running order. Ceilings come before the workflow
/// figures that are divided by them; the initial load comes before the replay, which
/// re-reads the load's topic.
enum BenchmarkRegistry {
    static let all: [any Benchmark] = [
        // crm-to-campaign: the three ceilings measured alone, then the product.
        EmulatorPagingCeiling(),
        BrokerCeiling(),
        UpsertCeiling(),
        InitialLoadBenchmark(),
        ReplayBenchmark(),
        WriterAloneBenchmark(),
        ChangeLatencyBenchmark(),
        InitialLoadBenchmark(deletes: true),
        // opt-in-out.
        OptOutLatencyBenchmark(),
        // campaign-to-crm: the CRM side of egress against the CRM's budgets.
        EgressCRMBenchmark(),
        // campaign-to-crm end to end, roles as processes; after egress-crm, whose raw
        // UpsertMultiple ceiling it divides by.
        EgressEndToEndBenchmark(),
        // issue 17, only when named (BENCH_PROFILE=scale): 15 million contacts.
        ScaleBenchmark(),
    ]

    /// The benchmarks whose names are in `only` (those of the default run when `only` is
    /// empty), in order.
    static func selected(_ only: [String]) -> [any Benchmark] {
        guard !only.isEmpty else { return all.filter(\.inDefaultRun) }
        return all.filter { only.contains($0.name) }
    }
}
