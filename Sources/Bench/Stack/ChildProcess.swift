import Foundation

/// A product executable started as its own process (a role), its output in a log file,
/// its peak resident memory read from `/proc/<pid>/status` (`VmHWM`).
final class ChildProcess: @unchecked Sendable {
    let name: String
    let logPath: String
    private let process: Process

    init(executable: String, arguments: [String], environment: [String: String], name: String, logDirectory: String) throws {
        self.name = name
        logPath = logDirectory + "/\(name).log"
        guard FileManager.default.createFile(atPath: logPath, contents: nil) else {
            throw BenchError("cannot create \(logPath)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// Peak resident set size so far, in bytes (`VmHWM`); nil once the process is gone.
    var peakResidentBytes: Int? { Self.status(pid: pid, field: "VmHWM") }

    /// Current resident set size, in bytes (`VmRSS`).
    var residentBytes: Int? { Self.status(pid: pid, field: "VmRSS") }

    /// SIGTERM (or `signal`; 0 only waits), then SIGKILL after `grace` if it has not exited.
    func terminate(signal: Int32 = SIGTERM, grace: Duration = .seconds(20)) async {
        guard process.isRunning else { return }
        kill(process.processIdentifier, signal)
        let deadline = ContinuousClock.now + grace
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        }
    }

    /// The last `bytes` of the log, for error messages.
    func logTail(_ bytes: Int = 2000) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return String(text.suffix(bytes))
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// A `kB` field of `/proc/<pid>/status`, in bytes.
    static func status(pid: Int32, field: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            let number = line.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces).split(separator: " ").first
            return number.flatMap { Int($0) }.map { $0 * 1024 }
        }
        return nil
    }
}
