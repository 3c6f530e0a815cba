import Foundation
import Synchronization

/// A product executable (a role, the control service, the CLI) started as its own
/// process, as a user would run it, so tests can kill it with SIGKILL or SIGTERM.
public final class RoleProcessHandle: @unchecked Sendable {
    public let name: String
    public let logPath: String
    private let process: Process
    /// True once `ChildProcessExit` reaped the process itself (Foundation then never learns it exited).
    private let reapedHere = Mutex(false)

    /// The directory holding the built executables (`swift build` puts them next to
    /// the test bundle).
    public static var binDirectory: URL {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent(),
            root.appendingPathComponent(".build/debug"),
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("IngressService").path) }
            ?? candidates[1]
    }

    /// Starts `executable arguments…` with `environment` added to this process's.
    public init(_ executable: String, _ arguments: [String], environment: [String: String], name: String? = nil) throws {
        let name = name ?? ([executable] + arguments).joined(separator: "-")
        self.name = name
        self.logPath = NSTemporaryDirectory() + "crmbridge-test-\(name)-\(UUID().uuidString.prefix(8)).log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let process = Process()
        process.executableURL = Self.binDirectory.appendingPathComponent(executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
    }

    public var isRunning: Bool { !reapedHere.withLock { $0 } && process.isRunning }
    public var pid: Int32 { process.processIdentifier }

    /// SIGKILL: no flush, no commit, no goodbye.
    public func kill() {
        guard isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        waitForExit()
    }

    /// SIGTERM and wait for a graceful exit.
    public func terminate() {
        guard isRunning else { return }
        process.terminate()
        waitForExit()
    }

    private func waitForExit() {
        if ChildProcessExit.wait(for: process) { reapedHere.withLock { $0 = true } }
    }

    /// The process's output so far (for failure messages).
    public var log: String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    // `isRunning`, not `process.isRunning`: once reaped here, the pid may belong to
    // another process, which must not be signalled.
    deinit {
        if isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
        }
    }
}
