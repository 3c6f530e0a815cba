import ArgumentParser
import Foundation
import HTTPBridge
import Logging

/// `crmbridge-bench`: the benchmarks of `make bench`. `scripts/bench.sh` builds the
/// release, starts PostgreSQL, the Kafka dev broker and the CRM emulator, and runs this
/// with their addresses in the environment; it measures, prints a table and writes the
/// JSON. It never fails on speed: only a part that cannot run makes it exit non-zero.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crmbridge-bench",
        abstract: "Measure CRM Bridge against ceilings measured in the same run (make bench).",
        discussion: """
            Needs BENCH_DATABASE_URL (a database of a private PostgreSQL cluster), \
            KAFKA_BOOTSTRAP_SERVERS (crmbridge dev-broker), BENCH_EMULATOR_URL (crm-emulator), \
            BENCH_BIN_DIR (the release executables) and BENCH_WORK_DIR (scratch space).
            """)

    @Option(help: "Records of the headline figures (default $BENCH_N or 1000000).")
    var records: Int?
    @Option(help: "Comma-separated N of the per-N benchmarks (default 100000 and --records).")
    var scales: String?
    @Option(help: "Only these benchmarks, comma-separated (default all): \(BenchmarkRegistry.all.map(\.name).joined(separator: ", ")).")
    var only: String?
    @Option(help: "Where the JSON goes.") var output = "bench/results/latest.json"
    @Option(help: "Change latency: changes per second.") var latencyRate = 200
    @Option(help: "Change latency: seconds of changes.") var latencySeconds = 60
    @Option(help: "Change latency: contacts loaded first and changed in turn.") var latencyContacts = 10_000
    @Option(help: "Change latency: the reader's interval (a crmbridge.yaml duration).") var latencyInterval = "1s"
    @Option(help: "Egress: email events written to the CRM (default $BENCH_EGRESS_N or 200000).") var egressEvents: Int?
    @Flag(help: "Egress: also run the budget-limited setting with each budget-limiter rule changed in turn (or $BENCH_EGRESS_RULES=1).")
    var egressRules = false
    @Option(help: "default; full: adds the long points (egress end to end at 1,000,000 events); scale: issue 17's profile (default $BENCH_PROFILE or default).")
    var profile: String?
    @Option(help: "The commit measured (default $BENCH_COMMIT).") var commit: String?
    @Option(help: "Log level.") var logLevel = "info"
    @Flag(help: "Print the topics the local broker must create (NAME:PARTITIONS, one a line) and exit.")
    var printBrokerTopics = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var logger = Logger(label: "crmbridge.bench")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let settings = try makeSettings(environment)
        if printBrokerTopics {
            var seen = Set<BrokerTopic>()
            for benchmark in BenchmarkRegistry.selected(settings.only) {
                let scales: [Int?] = benchmark.perScale ? settings.scales : [nil]
                for scale in scales {
                    for topic in benchmark.brokerTopics(scale: scale, settings: settings) where seen.insert(topic).inserted {
                        print(topic.argument)
                    }
                }
            }
            return
        }
        let stack = try makeStack(environment, logger: logger)
        let context = BenchContext(settings: settings, stack: stack, logger: logger)
        if environment["BENCH_PG_LOG_STATEMENTS"] == "1" {
            // Diagnosis: every statement with its duration in the server log (BENCH_KEEP=1 keeps it).
            try await stack.logEveryStatement()
        }
        let loadAtStart = BenchReport.Machine.loadAverage()
        let started = ContinuousClock.now

        await BenchRunner(context: context).runAll()

        let state = context.state
        let report = BenchReport(
            commit: commit ?? environment["BENCH_COMMIT"] ?? "unknown",
            date: ISO8601DateFormatter().string(from: Date()),
            durationSeconds: Stopwatch.seconds(since: started),
            machine: .current(loadAtStart: loadAtStart),
            settings: .init(
                records: settings.records, scales: settings.scales, pageSize: settings.pageSize,
                latencyRate: settings.latencyRate, latencySeconds: Int(settings.latencyDuration.components.seconds),
                latencyContacts: settings.latencyContacts, latencyInterval: settings.latencyInterval,
                build: environment["BENCH_BUILD"] ?? "release"),
            figures: await state.figures, failures: await state.failures)
        print(report.table)
        try report.write(to: settings.outputPath)
        print("wrote \(settings.outputPath)")
        stack.emulator.http.shutdown()
    }

    private func makeSettings(_ environment: [String: String]) throws -> BenchSettings {
        let records = records ?? environment["BENCH_N"].flatMap { Int($0) } ?? 1_000_000
        guard records >= 1000 else { throw ValidationError("--records must be at least 1000") }
        var scaleList: [Int]
        if let text = scales ?? environment["BENCH_SCALES"] {
            scaleList = try text.split(separator: ",").map { part in
                guard let n = Int(part.trimmingCharacters(in: .whitespaces)), n >= 1000 else {
                    throw ValidationError("--scales: \(part) is not a number of at least 1000")
                }
                return n
            }
        } else {
            scaleList = [min(100_000, records)]
        }
        scaleList = Array(Set(scaleList + [records])).sorted()
        var settings = BenchSettings(records: records, scales: scaleList, outputPath: output)
        settings.latencyRate = latencyRate
        settings.latencyDuration = .seconds(latencySeconds)
        settings.latencyContacts = latencyContacts
        settings.latencyInterval = latencyInterval
        if let egressEvents {
            settings.egressEvents = egressEvents
        } else if let text = environment["BENCH_EGRESS_N"], !text.isEmpty {
            guard let n = Int(text), n >= 1 else { throw ValidationError("BENCH_EGRESS_N: \(text) is not a number of at least 1") }
            settings.egressEvents = n
        } else {
            settings.egressEvents = 200_000
        }
        switch environment["BENCH_EGRESS_RULES"] ?? "" {
        case "", "0": settings.egressRules = egressRules
        case "1": settings.egressRules = true
        case let other: throw ValidationError("BENCH_EGRESS_RULES must be 0 or 1, not \(other)")
        }
        let malformed = BenchSettings.kafkaProperties(environment["BENCH_KAFKA_PROPERTIES"] ?? "").malformed
        guard malformed.isEmpty else {
            throw ValidationError("BENCH_KAFKA_PROPERTIES: \(malformed.joined(separator: ", ")) is not key=value")
        }
        let profileName = profile ?? environment["BENCH_PROFILE"] ?? "default"
        guard let parsedProfile = BenchSettings.Profile(rawValue: profileName) else {
            throw ValidationError("--profile: \(profileName) is not default, full or scale")
        }
        settings.profile = parsedProfile
        settings.only = (only ?? environment["BENCH_ONLY"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let unknown = settings.only.filter { name in !BenchmarkRegistry.all.contains { $0.name == name } }
        guard unknown.isEmpty else { throw ValidationError("--only: unknown benchmark(s) \(unknown.joined(separator: ", "))") }
        return settings
    }

    private func makeStack(_ environment: [String: String], logger: Logger) throws -> BenchStack {
        func required(_ name: String) throws -> String {
            guard let value = environment[name], !value.isEmpty else {
                throw ValidationError("\(name) is not set; run `make bench` (scripts/bench.sh) to start the parts")
            }
            return value
        }
        return BenchStack(
            adminDatabaseURL: try required("BENCH_DATABASE_URL"),
            bootstrapServers: try required("KAFKA_BOOTSTRAP_SERVERS"),
            emulator: EmulatorClient(baseURL: try required("BENCH_EMULATOR_URL"), http: HTTPClient(logger: logger)),
            binDirectory: try required("BENCH_BIN_DIR"),
            workDirectory: try required("BENCH_WORK_DIR"),
            infrastructure: [("emulator", "BENCH_EMULATOR_PID", false), ("broker", "BENCH_BROKER_PID", false),
                             ("postgres", "BENCH_POSTGRES_PID", true)].compactMap { name, variable, tree in
                environment[variable].flatMap { Int32($0) }.map { CPUAccount.Part(name: name, pid: $0, withChildren: tree) }
            },
            logger: logger)
    }
}
