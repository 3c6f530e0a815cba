import CRMEmulatorCore
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// A CRM emulator serving real HTTP on 127.0.0.1 (a free port) for one test.
/// Connectors reach it through libcurl, exactly as they reach a real CRM.
public final class TestEmulator: Sendable {
    public let server: EmulatorServer
    public let baseURL: String
    private let task: Task<Void, any Error>

    private init(server: EmulatorServer, baseURL: String, task: Task<Void, any Error>) {
        self.server = server
        self.baseURL = baseURL
        self.task = task
    }

    /// Starts the emulator and returns once it accepts connections.
    public static func start(seed: Int = 0, crms: [any EmulatedCRM]? = nil) async throws -> TestEmulator {
        var logger = Logger(label: "test-emulator")
        // Cancelling the server task with keep-alive connections open logs errors; not ours.
        logger.logLevel = .critical
        let server = EmulatorServer(crms: crms ?? EmulatorCatalog.makeCRMs(seed: seed, logger: logger))
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = server.makeApplication(host: "127.0.0.1", port: 0, logger: logger) { port in
            continuation.yield(port)
            continuation.finish()
        }
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            task.cancel()
            throw TestEmulatorError.didNotStart
        }
        return TestEmulator(server: server, baseURL: "http://127.0.0.1:\(port)", task: task)
    }

    public func stop() { task.cancel() }

    deinit { task.cancel() }
}

public enum TestEmulatorError: Error { case didNotStart }
