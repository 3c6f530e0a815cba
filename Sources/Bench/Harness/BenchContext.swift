import Foundation
import Logging

/// What every benchmark gets: the settings, the running parts (`BenchStack`), a logger,
/// and the run's shared state (figures so far, the dataset, what is seeded).
final class BenchContext: Sendable {
    let settings: BenchSettings
    let stack: BenchStack
    let logger: Logger
    let state = BenchState()

    init(settings: BenchSettings, stack: BenchStack, logger: Logger) {
        self.settings = settings
        self.stack = stack
        self.logger = logger
    }

    /// A figure an earlier benchmark of this run recorded, by id and scale.
    func figure(_ id: String, scale: Int?) async -> Figure? {
        await state.figures.last { $0.id == id && $0.scale == scale }
    }

    /// The emulator holds exactly `count` seeded contacts (reset and re-seeded when not).
    func ensureEmulatorContacts(_ count: Int) async throws {
        guard await state.emulatorContacts != count else { return }
        let started = ContinuousClock.now
        try await stack.emulator.reset()
        try await stack.emulator.seedContacts(count)
        await state.setEmulatorContacts(count)
        logger.info("emulator seeded", metadata: ["contacts": "\(count)", "seconds": "\(Stopwatch.seconds(since: started))"])
    }

    /// The contacts of the emulator (`count` of them) as the bench's dataset, fetched
    /// once by a plain client and kept for the next benchmarks of the same N.
    func dataset(_ count: Int) async throws -> ContactDataset {
        if let cached = await state.dataset, cached.count == count { return cached }
        try await ensureEmulatorContacts(count)
        await state.setDataset(nil)
        let fetched = try await ContactDataset.fetch(from: stack.emulator, pageSize: settings.pageSize)
        await state.setDataset(fetched.dataset)
        return fetched.dataset
    }

    /// `<prefix>_<scale>`: topic, entity and database names. The run has its own broker
    /// and PostgreSQL, so names need not be unique across runs, and `scripts/bench.sh` can
    /// create the topics before the broker is used (`BrokerTopic`).
    static func name(_ prefix: String, scale: Int? = nil) -> String {
        [prefix, scale.map(String.init)].compactMap { $0 }.joined(separator: "_")
    }
}
