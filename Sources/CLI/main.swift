import ArgumentParser
import Foundation

/// What `AsyncParsableCommand.main()` does, with errors as one line on stderr. Called
/// from top-level code, `main()` would resolve to the synchronous
/// `ParsableCommand.main()`, which cannot run async commands; inside an async function
/// the async overloads win.
func runCommandLine() async {
    do {
        var command = try CRMBridgeCommand.parseAsRoot()
        if var asyncCommand = command as? AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            try command.run()
        }
    } catch {
        CLIExit.fail(with: error)
    }
}

await runCommandLine()
