import Foundation
import TestSupport

/// A python3 HTTP server script run as its own process on 127.0.0.1, for the servers a
/// scenario needs that must misbehave in ways no product part would (`MisbehavingCRM`,
/// `SelfSignedServer`). The script prints `LISTENING` once it accepts connections and
/// `REQUEST <request line>` for each request; its output is kept in a log in `directory`.
final class PythonHTTPServer: Sendable {
    let process: Process
    let directory: String
    private let logPath: String

    /// Runs `script` (from `directory`, which the caller made) and returns once it listens.
    init(script: String, directory: String) async throws {
        self.directory = directory
        let scriptPath = directory + "/server.py"
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        logPath = directory + "/server.log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-u", scriptPath]
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try await eventually("the python3 server in \(directory) to listen", timeout: .seconds(20)) { self.log.contains("LISTENING") }
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Request lines received so far.
    var requests: [String] { log.split(separator: "\n").filter { $0.hasPrefix("REQUEST ") }.map(String.init) }

    /// Kills the process, waits for it (`ChildProcessExit`: here Foundation once missed a
    /// killed python3's exit) and removes its directory.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        ChildProcessExit.wait(for: process)
        try? FileManager.default.removeItem(atPath: directory)
    }
}
