import ArgumentParser
import Foundation

/// How the command line ends on an error: one line on stderr, `crmbridge: <what>`,
/// and a non-zero status (64 for a wrong command line, 1 otherwise). Help and
/// `--version` go to stdout with status 0.
enum CLIExit {
    static func fail(with error: any Error) -> Never {
        if let error = error as? CLIError {
            for line in error.details {
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
            printLine(error.message)
            exit(error.exitCode)
        }
        let code = CRMBridgeCommand.exitCode(for: error)
        if code == .success {
            print(CRMBridgeCommand.fullMessage(for: error))
            exit(0)
        }
        let message = CRMBridgeCommand.message(for: error)
            .split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("Usage:") && !$0.hasPrefix("See '") }
            .joined(separator: " ")
        printLine(message.isEmpty ? "\(error)" : message + " (see crmbridge --help)")
        exit(code.rawValue == 0 ? 1 : code.rawValue)
    }

    static func printLine(_ message: String) {
        let oneLine = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        FileHandle.standardError.write(Data("crmbridge: \(oneLine)\n".utf8))
    }
}

/// An error of a command that already knows what to say: its message is the line shown;
/// `details` (e.g. every problem of a configuration) come before it, one per line.
struct CLIError: Error, CustomStringConvertible {
    var message: String
    var details: [String] = []
    var exitCode: Int32 = 1

    init(_ message: String, details: [String] = [], exitCode: Int32 = 1) {
        self.message = message
        self.details = details
        self.exitCode = exitCode
    }

    var description: String { message }
}
