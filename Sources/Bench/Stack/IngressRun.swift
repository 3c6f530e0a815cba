import Config
import CoreValues
import Foundation
import KafkaBridge
import Logging
import PostgresBridge
import Synchronization
import WorkflowRuntime

/// One crm-to-campaign set-up for a benchmark, as an operator would have it: a Campaign
/// database of its own, a `crmbridge.yaml` with one contact entity (its own topic), the
/// workflow stored and Started in `crmbridge.workflows`, each role its own process.
final class IngressRun: Sendable {
    let context: BenchContext
    let entity: String
    let databaseName: String
    let databaseURL: String
    let configPath: String
    let database: PostgresConnection
    let admin: KafkaAdmin
    /// `perf record` attached to each role when `BENCH_PERF` names a directory.
    private let profilers = Mutex<[ChildProcess]>([])

    var topic: String { Topics.crmToCampaign(entity: entity) }
    var group: String { Topics.writerGroup(.crmToCampaign) }
    var optionName: String { LastImportOption.name(instance: "bench", workflow: .crmToCampaign, entity: entity) }

    private init(context: BenchContext, entity: String, databaseName: String, databaseURL: String, configPath: String,
                 database: PostgresConnection, admin: KafkaAdmin) {
        self.context = context
        self.entity = entity
        self.databaseName = databaseName
        self.databaseURL = databaseURL
        self.configPath = configPath
        self.database = database
        self.admin = admin
    }

    /// A fresh database (`create`) or the existing one of an earlier run of `entity`, the
    /// config file, and the workflow stored (version 1), not started.
    /// - Parameter deletes: `deletes.enabled` for the entity, so a full load also ends with
    ///   its reconciliation (the ledger of loaded ids, then the keyset walk of Campaign).
    static func prepare(
        _ context: BenchContext, entity: String, interval: String? = nil, create: Bool = true, deletes: Bool = false,
        kafkaProperties: [String: String] = [:]
    ) async throws -> IngressRun {
        let stack = context.stack
        let databaseName = "bench_" + entity.lowercased()
        let databaseURL = create
            ? try await stack.freshDatabase(databaseName)
            : BenchStack.url(stack.adminDatabaseURL, database: databaseName)
        let configPath = stack.workDirectory + "/\(entity).yaml"
        try configYAML(entity: entity, pageSize: context.settings.pageSize, interval: interval, deletes: deletes,
                       kafkaProperties: kafkaProperties)
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let environment = stack.roleEnvironment(databaseURL: databaseURL, configPath: configPath)
        let config = try CRMBridgeConfig.load(path: configPath, environment: environment)
        let database = try await PostgresConnection.connect(url: Secret(databaseURL), logger: context.logger)
        try await WorkflowStore(database: database).ensure(.crmToCampaign, initialConfig: config.workflowYAML[.crmToCampaign] ?? "{}")
        let admin = try KafkaAdmin(configuration: stack.kafka, logger: stack.kafkaLogger)
        return IngressRun(context: context, entity: entity, databaseName: databaseName, databaseURL: databaseURL,
                          configPath: configPath, database: database, admin: admin)
    }

    /// The benchmark's workflow: the contacts of `FullLoadTests`, five mapped fields.
    static func configYAML(
        entity: String, pageSize: Int, interval: String?, deletes: Bool = false, kafkaProperties extra: [String: String] = [:]
    ) -> String {
        """
        instance: bench
        connections:
          campaign: {}
          kafka: {\(kafkaProperties(extra))}
          crm:
            kind: dynamics
        workflows:
          crm-to-campaign:
            entities:
              - name: \(entity)
                remoteObject: contacts
                remoteId: contactid
                table: profiles
                fields:
                  - { remote: firstname, column: first_name }
                  - { remote: lastname, column: last_name }
                  - { remote: emailaddress1, column: email }
                  - { remote: telephone1, column: phone }
                  - { remote: birthdate, column: birth_date, conversion: dateOnly }
                pageSize: \(pageSize)
                lookBack: 5s
                deletes: { enabled: \(deletes) }

        """ + (interval.map { "        interval: \($0)\n" } ?? "")
    }

    /// `BENCH_KAFKA_PROPERTIES="a=1,b=2"`: librdkafka properties for the roles' clients
    /// (`connections.kafka.properties`), to try a setting without changing the product.
    /// A benchmark's own `extra` properties come first; the variable's win over them. The
    /// bench command refused a malformed variable before any run (`BenchCommand`).
    static func kafkaProperties(_ extra: [String: String] = [:]) -> String {
        let environment = ProcessInfo.processInfo.environment["BENCH_KAFKA_PROPERTIES"] ?? ""
        let properties = extra.merging(BenchSettings.kafkaProperties(environment).properties) { $1 }
        guard !properties.isEmpty else { return "" }
        return " properties: { " + properties.sorted { $0.key < $1.key }
            .map { "\"\($0.key)\": \"\($0.value)\"" }.joined(separator: ", ") + " } "
    }

    /// Starts `IngressService <role>` and waits until its supervisor reports (idle).
    func spawn(_ role: String) async throws -> ChildProcess {
        let process = try await context.stack.spawnRole(
            executable: "IngressService", role: role, workflow: .crmToCampaign, name: "\(entity)-\(role)",
            databaseURL: databaseURL, configPath: configPath, database: database)
        try profile(process, name: "\(entity)-\(role)")
        return process
    }

    /// With `BENCH_PERF=<directory>`: `perf record` (cpu-clock samples with call graphs)
    /// attached to the role until `finish`, into `<directory>/<entity>-<role>.perf.data`.
    private func profile(_ role: ChildProcess, name: String) throws {
        guard let directory = ProcessInfo.processInfo.environment["BENCH_PERF"], !directory.isEmpty else { return }
        let perf = try ChildProcess(
            executable: "/usr/bin/perf",
            arguments: ["record", "-q", "-e", "cpu-clock", "-F", "999", "-g", "-p", String(role.pid), "-o", "\(directory)/\(name).perf.data"],
            environment: [:], name: "perf-\(name)", logDirectory: context.stack.workDirectory)
        profilers.withLock { $0.append(perf) }
    }

    func start() async throws { try await WorkflowStore(database: database).start(.crmToCampaign) }
    func stop() async throws { try await WorkflowStore(database: database).stop(.crmToCampaign) }

    /// Messages on the topic and the writer group's lag on it.
    func backlog() async throws -> (messages: Int64, lag: Int64) {
        let lag = try await admin.lag(group: group, topics: [topic])
        return (lag.partitions.reduce(0) { $0 + $1.highWatermark - $1.lowWatermark }, lag.total)
    }

    func lastImport() async throws -> String? { try await OptionStore(database: database).get(optionName) }

    func profileCount() async throws -> Int {
        try await database.query("SELECT count(*) AS count FROM profiles", []).int(0, "count") ?? -1
    }

    /// Waits until the topic holds at least `records` messages, the writer group has
    /// committed all of them and (with `fullLoad`) the reader stored LASTIMPORT. Returns
    /// when that was seen and when the group's first commit was seen.
    func waitDrained(records: Int, fullLoad: Bool, timeout: Duration, roles: [ChildProcess]) async throws -> Drain {
        var firstCommit: (at: ContinuousClock.Instant, written: Int64)?
        var lastReport = ContinuousClock.now
        try await Stopwatch.waitUntil("\(records) records through \(entity)", timeout: timeout) {
            for role in roles where !role.isRunning {
                throw BenchError("\(role.name) exited: \(role.logTail())")
            }
            let (messages, lag) = try await backlog()
            if firstCommit == nil, messages - lag > 0 { firstCommit = (.now, messages - lag) }
            if ContinuousClock.now - lastReport > .seconds(10) {
                lastReport = .now
                context.logger.info("progress", metadata: ["entity": "\(entity)", "inTopic": "\(messages)", "written": "\(messages - lag)"])
            }
            guard messages >= records, lag == 0 else { return false }
            return fullLoad ? try await lastImport() != nil : true
        }
        return Drain(done: .now, firstCommit: firstCommit?.at, writtenAtFirstCommit: Int(firstCommit?.written ?? 0))
    }

    /// When a drain was seen complete, and when the writer group's first commit was seen.
    struct Drain {
        var done: ContinuousClock.Instant
        var firstCommit: ContinuousClock.Instant?
        var writtenAtFirstCommit: Int

        /// `records/s` from Start, and between the first commit and the end (the steady
        /// rate, without the start: supervisor tick, group join with the broker's initial
        /// rebalance delay, first page).
        func rates(records: Int, started: ContinuousClock.Instant) -> (total: Double, steady: Double?, note: String) {
            let seconds = (done - started).seconds
            let total = Double(records) / seconds
            guard let firstCommit, done > firstCommit, writtenAtFirstCommit < records else {
                return (total, nil, String(format: "%.1f s from Start", seconds))
            }
            let steady = Double(records - writtenAtFirstCommit) / (done - firstCommit).seconds
            return (total, steady, String(format: "%.1f s from Start, first commit after %.1f s", seconds, (firstCommit - started).seconds))
        }
    }

    /// Stops the workflow, terminates the roles and closes the bench's connections.
    func finish(_ roles: [ChildProcess], dropDatabase: Bool) async {
        _ = try? await stop()
        for role in roles { await role.terminate() }
        // `perf record -p` finishes its file once its process has exited (signals sent to
        // it from here would stay blocked: children inherit the cooperative pool's mask).
        for perf in profilers.withLock({ $0 }) { await perf.terminate(signal: 0, grace: .seconds(60)) }
        await database.close()
        if dropDatabase { await context.stack.dropDatabase(databaseName) }
    }
}
