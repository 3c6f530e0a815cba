import Synchronization

/// Bulk API 2.0 ingest jobs: created Open, one CSV upload, UploadComplete, processed on
/// the next look (InProgress, then JobComplete), results kept for the results calls.
final class SalesforceBulkJobs: Sendable {
    struct Job: Sendable {
        var id: String
        var object: String
        var operation: String
        var externalIDField: String?
        var state: String
        var csv: String?
        var looks = 0
        var processed = 0
        var failed = 0
        /// Result CSVs, rows shuffled: Salesforce does not keep the input order.
        var successful = ""
        var failures = ""
        var unprocessed = ""
    }

    /// Test settings: every `unprocessedEvery`-th row (0: none) is left unprocessed.
    struct Settings: Codable, Sendable {
        var unprocessedEvery: Int = 0
    }

    private struct State {
        var jobs: [String: Job] = [:]
        var counter = 0
        var settings = Settings()
    }

    private let state = Mutex(State())

    func create(object: String, operation: String, externalIDField: String?) -> Job {
        state.withLock { state in
            state.counter += 1
            let id = "750" + String(String(state.counter, radix: 36).uppercased().reversed()).padding(toLength: 12, withPad: "0", startingAt: 0) + "AAA"
            let job = Job(id: id, object: object, operation: operation, externalIDField: externalIDField, state: "Open")
            state.jobs[id] = job
            return job
        }
    }

    func job(_ id: String) -> Job? { state.withLock { $0.jobs[id] } }

    func update(_ id: String, _ change: (inout Job) -> Void) -> Job? {
        state.withLock { state in
            guard var job = state.jobs[id] else { return nil }
            change(&job)
            state.jobs[id] = job
            return job
        }
    }

    var settings: Settings {
        get { state.withLock { $0.settings } }
        set { state.withLock { $0.settings = newValue } }
    }

    func reset() { state.withLock { $0 = State() } }
}
