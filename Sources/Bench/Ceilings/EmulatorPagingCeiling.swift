import Foundation

/// Ceiling 1 of the initial load: how fast the emulator serves the reader's query, page
/// after page, to a plain client (libcurl, no connector). Only the time inside requests
/// counts; decoding the pages into the bench's dataset is not timed. The dataset it
/// fetches is kept for the other ceilings of the same N.
struct EmulatorPagingCeiling: Benchmark {
    let name = "ceiling-emulator"
    let summary = "the emulator's paging rate for the reader's query, by a plain HTTP client"
    let perScale = true

    func run(_ context: BenchContext, scale: Int?) async throws -> [Figure] {
        let records = scale ?? context.settings.records
        try await context.ensureEmulatorContacts(records)
        await context.state.setDataset(nil)
        let cpu = context.stack.cpuAccount()
        let before = cpu.snapshot()
        let fetched = try await ContactDataset.fetch(from: context.stack.emulator, pageSize: context.settings.pageSize)
        guard fetched.dataset.count == records else {
            throw BenchError("the emulator served \(fetched.dataset.count) contacts, \(records) were seeded")
        }
        await context.state.setDataset(fetched.dataset)
        let cpuFigures = CPUAccount.figures(from: before, to: cpu.snapshot(), records: records, phase: name, scale: records)
        let megabytes = Double(fetched.bytes) / 1_048_576
        return [
            Figure(
                id: "ceiling.emulator-paging", workflow: "ceiling", label: "Emulator paging (plain client)",
                value: Double(records) / fetched.requestSeconds, unit: "records/s", scale: records,
                note: "\(fetched.pages) pages of \(context.settings.pageSize), \(Int(megabytes)) MB in \(Self.format(fetched.requestSeconds)) s of requests; CPU includes the bench decoding pages"),
        ] + cpuFigures
    }

    static func format(_ seconds: Double) -> String { String(format: "%.1f", seconds) }
}
