/// Runs the selected benchmarks: the per-N ones for every N (smallest first), then the
/// others; records figures and failures in the context's state and logs each result.
struct BenchRunner {
    let context: BenchContext

    func runAll() async {
        let selected = BenchmarkRegistry.selected(context.settings.only)
        for scale in context.settings.scales {
            for benchmark in selected where benchmark.perScale {
                await run(benchmark, scale: scale)
            }
            // Free the dataset of this N before the next one is fetched.
            await context.state.setDataset(nil)
        }
        for benchmark in selected where !benchmark.perScale {
            await run(benchmark, scale: nil)
        }
    }

    private func run(_ benchmark: any Benchmark, scale: Int?) async {
        let logger = context.logger
        logger.notice("running \(benchmark.name)\(scale.map { " at N=\(BenchReport.count($0))" } ?? ""): \(benchmark.summary)")
        let started = ContinuousClock.now
        do {
            let figures = try await benchmark.run(context, scale: scale)
            await context.state.record(figures)
            for figure in figures {
                logger.notice("\(figure.label): \(BenchReport.value(figure.value, unit: figure.unit)) \(figure.unit)\(figure.met == false ? " (target missed)" : "")")
            }
        } catch {
            logger.error("\(benchmark.name) failed: \(error)")
            await context.state.record(BenchFailure(benchmark: benchmark.name, scale: scale, error: "\(error)"))
        }
        logger.info("\(benchmark.name) took \(Int(Stopwatch.seconds(since: started))) s")
    }
}
