import CoreValues
import Foundation
import PostgresBridge

/// Ceiling 3 of the initial load, and the ceiling of the writer alone: PostgreSQL's raw
/// batch-upsert rate for the same rows into an empty `profiles`, with a hand-written
/// statement (one `unnest` of text arrays per batch of a page, newer-wins on conflict,
/// each batch its own transaction) on one connection. No product code builds or runs it
/// beyond the libpq connection; parameters are prepared before the clock starts.
struct UpsertCeiling: Benchmark {
    let name = "ceiling-postgres"
    let summary = "PostgreSQL's raw batch-upsert rate for the same rows, hand-written statement"
    let perScale = true

    static let statement = """
        INSERT INTO profiles AS t (crm_id, crm_modified_at, first_name, last_name, email, phone, birth_date)
        SELECT u.id, u.modified::timestamptz, u.first, u.last, u.email, u.phone, u.birth::date
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
            AS u(id, modified, first, last, email, phone, birth)
        ON CONFLICT (crm_id) DO UPDATE SET
            crm_modified_at = EXCLUDED.crm_modified_at, first_name = EXCLUDED.first_name,
            last_name = EXCLUDED.last_name, email = EXCLUDED.email, phone = EXCLUDED.phone,
            birth_date = EXCLUDED.birth_date
        WHERE t.crm_modified_at IS NULL OR t.crm_modified_at < EXCLUDED.crm_modified_at
        """

    func run(_ context: BenchContext, scale: Int?) async throws -> [Figure] {
        let records = scale ?? context.settings.records
        let dataset = try await context.dataset(records)
        let databaseName = "bench_" + BenchContext.name("upsert", scale: records)
        let url = try await context.stack.freshDatabase(databaseName)
        let parameters = dataset.batches(of: context.settings.pageSize).map { range in
            dataset.rowColumns(range).map { PostgresArrayLiteral.text($0) as String? }
        }
        let database = try await PostgresConnection.connect(url: Secret(url), logger: context.logger)
        let cpu = context.stack.cpuAccount()
        let before = cpu.snapshot()
        let started = ContinuousClock.now
        var written = 0
        do {
            for batch in parameters {
                written += try await database.execute(Self.statement, batch)
            }
        } catch {
            await database.close()
            await context.stack.dropDatabase(databaseName)
            throw error
        }
        let seconds = Stopwatch.seconds(since: started)
        let cpuFigures = CPUAccount.figures(from: before, to: cpu.snapshot(), records: records, phase: name, scale: records)
        await database.close()
        await context.stack.dropDatabase(databaseName)
        guard written == records else { throw BenchError("the raw upsert wrote \(written) rows of \(records)") }
        return [
            Figure(
                id: "ceiling.postgres-upsert", workflow: "ceiling", label: "PostgreSQL raw batch upsert",
                value: Double(records) / seconds, unit: "records/s", scale: records,
                note: "\(parameters.count) statements of \(context.settings.pageSize) rows, one transaction each"),
        ] + cpuFigures
    }
}
