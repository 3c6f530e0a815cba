import CoreValues
import Foundation
import Logging
import PostgresBridge

/// A real PostgreSQL server for tests.
///
/// `TestPostgres.shared()` is one private cluster per test process, started lazily with
/// `scripts/postgres.sh` in a temporary directory on a free port (or the server named by
/// `CRMBRIDGE_TEST_DATABASE_URL`). A watchdog stops it and deletes its directory once the
/// test process has exited, even after a crash. `freshDatabase()` gives each test its own
/// database, so tests run in parallel. `makePrivate()` starts a cluster of its own, for
/// tests that restart the server (which would disturb every other test on the shared one).
public final class TestPostgres: Sendable {
    /// URL of the `campaign` database, used to create the per-test databases.
    public let adminURL: String
    /// Data directory when this process started the cluster; `nil` for an external server.
    public let dataDirectory: String?
    public let port: Int?

    private static let sharedServer = Task { try await TestPostgres.start() }
    private static let counter = TestPostgresCounter()

    private init(adminURL: String, dataDirectory: String?, port: Int?) {
        self.adminURL = adminURL
        self.dataDirectory = dataDirectory
        self.port = port
    }

    /// The process-wide server, started on first use.
    public static func shared() async throws -> TestPostgres {
        try await sharedServer.value
    }

    /// A cluster of its own (never the external server), for restart tests. Call `stop()`.
    public static func makePrivate() async throws -> TestPostgres {
        try await startCluster()
    }

    /// Creates a uniquely named database and returns its URL.
    public func freshDatabase() async throws -> String {
        let name = "crmb_test_\(ProcessInfo.processInfo.processIdentifier)_\(Self.counter.next())"
        let admin = try await PostgresConnection.connect(url: Secret(adminURL), logger: Self.logger)
        do {
            try await admin.execute("CREATE DATABASE \(PostgresIdentifier.quote(name))")
        } catch {
            await admin.close()
            throw error
        }
        await admin.close()
        return Self.url(adminURL, replacingDatabaseWith: name)
    }

    /// Stops and starts the server again on the same port (`pg_ctl stop -m fast`, then
    /// start): every open session is terminated.
    public func restart() async throws {
        try await stopServer()
        try await startServer()
    }

    /// Stops the server but keeps its data, so `startServer()` brings it back.
    public func stopServer() async throws {
        guard let dataDirectory else {
            throw TestPostgresError("cannot stop an external server; use makePrivate()")
        }
        _ = try await Self.runScript(["stop", dataDirectory])
    }

    /// Starts a server stopped by `stopServer()` on its old port.
    public func startServer() async throws {
        guard let dataDirectory, let port else {
            throw TestPostgresError("cannot start an external server; use makePrivate()")
        }
        _ = try await Self.runScript(["start", dataDirectory, String(port)])
    }

    /// Runs `operation`, failing with a timeout error when it takes longer than `timeout`.
    public static func withDeadline<T: Sendable>(
        _ timeout: Duration, _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw TestPostgresError("timed out after \(timeout)")
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw TestPostgresError("no result") }
            return first
        }
    }

    /// Stops the server (only one this process started) and deletes its directory.
    public func stop() async throws {
        guard let dataDirectory else { return }
        _ = try await Self.runScript(["stop", dataDirectory])
        try? FileManager.default.removeItem(atPath: dataDirectory)
    }

    public static let logger: Logger = {
        var logger = Logger(label: "crmbridge.test.postgres")
        logger.logLevel = .warning
        return logger
    }()

    // MARK: Starting

    private static func start() async throws -> TestPostgres {
        if let url = ProcessInfo.processInfo.environment["CRMBRIDGE_TEST_DATABASE_URL"], !url.isEmpty {
            return TestPostgres(adminURL: url, dataDirectory: nil, port: nil)
        }
        return try await startCluster()
    }

    private static func startCluster() async throws -> TestPostgres {
        let pid = ProcessInfo.processInfo.processIdentifier
        let directory = "\(NSTemporaryDirectory())crmbridge-test-pg-\(pid)-\(counter.next())"
        try await startWatchdog(directory: directory, pid: pid)
        var lastError: Error?
        for _ in 0..<3 {
            let port = try freePort()
            do {
                let output = try await runScript(["start", directory, String(port)])
                let url = output.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
                guard url.hasPrefix("postgresql://") else {
                    throw TestPostgresError("postgres.sh printed no URL: \(output)")
                }
                return TestPostgres(adminURL: url, dataDirectory: directory, port: port)
            } catch {
                lastError = error
                _ = try? await runScript(["stop", directory])
            }
        }
        throw lastError ?? TestPostgresError("could not start PostgreSQL")
    }

    /// A detached shell that outlives this process, then stops the cluster and cleans up.
    private static func startWatchdog(directory: String, pid: Int32) async throws {
        let script = scriptPath
        let command = """
            setsid bash -c 'while kill -0 \(pid) 2>/dev/null; do sleep 1; done; \
            bash "\(script)" stop "\(directory)"; rm -rf "\(directory)"' \
            </dev/null >/dev/null 2>&1 &
            """
        _ = try await run("/bin/bash", ["-c", command])
    }

    public static func url(_ url: String, replacingDatabaseWith name: String) -> String {
        let parts = url.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let base = String(parts[0])
        let query = parts.count > 1 ? "?" + parts[1] : ""
        guard let schemeEnd = base.range(of: "://") else { return base + "/" + name + query }
        let afterScheme = base[schemeEnd.upperBound...]
        let authority = afterScheme.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)[0]
        return base[..<schemeEnd.upperBound] + authority + "/" + name + query
    }

    /// The repository root, found from this file's path.
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }  // Postgres, TestSupport, Tests
        return url.path
    }()

    static var scriptPath: String { repositoryRoot + "/scripts/postgres.sh" }

    static func runScript(_ arguments: [String]) async throws -> String {
        try await run("/bin/bash", [scriptPath] + arguments)
    }

    /// Runs a program and returns its stdout, or throws with its stderr. The program is
    /// spawned with `posix_spawn` and awaited with `waitpid` on a Dispatch thread (not the
    /// cooperative pool); Foundation's `Process` never saw its children end inside the test
    /// runner, so it is not used.
    static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        let base = "\(NSTemporaryDirectory())crmbridge-test-run-\(getpid())-\(counter.next())"
        let outPath = base + ".out"
        let errPath = base + ".err"
        defer {
            unlink(outPath)
            unlink(errPath)
        }
        let command = "\"$@\" >'\(outPath)' 2>'\(errPath)' </dev/null"
        let argv = ["/bin/bash", "-c", command, "bash", executable] + arguments
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for argument in cArguments { free(argument) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", nil, nil, &cArguments, environ)
        guard spawned == 0 else { throw TestPostgresError("posix_spawn failed: \(spawned)") }
        let child = pid
        let status = await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            DispatchQueue.global().async {
                var status: Int32 = 0
                while waitpid(child, &status, 0) == -1 && errno == EINTR {}
                continuation.resume(returning: status)
            }
        }
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard exitCode == 0 else {
            throw TestPostgresError("\(arguments.joined(separator: " ")) exited \(exitCode): \(stderr)")
        }
        return stdout
    }

    /// A port that was free a moment ago (the kernel picks it for a socket bound to 0).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestPostgresError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic -> Bool in
                bind(fd, generic, length) == 0 && getsockname(fd, generic, &length) == 0
            }
        }
        guard bound else { throw TestPostgresError("could not bind a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
