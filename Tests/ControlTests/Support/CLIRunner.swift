import Foundation

/// Runs the built `crmbridge` binary as a subprocess, as an operator's shell would.
struct CLIRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        var stderrLines: [String] { stderr.split(whereSeparator: \.isNewline).map(String.init) }

        func json() throws -> Any {
            try JSONSerialization.jsonObject(with: Data(stdout.utf8))
        }
    }

    var environment: [String: String]
    var directory: String = NSTemporaryDirectory()

    /// The `crmbridge` next to the test bundle (SwiftPM builds it with the tests), or
    /// `CRMBRIDGE_CLI_PATH`.
    static func binary() throws -> String {
        if let given = ProcessInfo.processInfo.environment["CRMBRIDGE_CLI_PATH"], !given.isEmpty { return given }
        var directories = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        if let first = CommandLine.arguments.first {
            directories.append(URL(fileURLWithPath: first).deletingLastPathComponent())
        }
        for directory in directories {
            let candidate = directory.appendingPathComponent("crmbridge").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw HarnessError("the crmbridge binary was not found next to the tests (build it, or set CRMBRIDGE_CLI_PATH)")
    }

    func run(_ arguments: [String]) async throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.binary())
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let base = NSTemporaryDirectory() + "crmbridge-cli-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: base + ".out", contents: nil),
              FileManager.default.createFile(atPath: base + ".err", contents: nil) else {
            throw HarnessError("cannot create the output files of the crmbridge run in \(NSTemporaryDirectory())")
        }
        defer {
            try? FileManager.default.removeItem(atPath: base + ".out")
            try? FileManager.default.removeItem(atPath: base + ".err")
        }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: base + ".out"))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: base + ".err"))
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try out.close()
        try err.close()
        return Result(
            status: status,
            stdout: (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? "")
    }
}
