import ArgumentParser
import Foundation

extension WorkflowsCommand {
    /// `crmbridge workflows edit <workflow> [--file F]`: saves a new configuration
    /// version. Without `--file`, the current one opens in $VISUAL / $EDITOR (vi).
    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Edit a workflow's configuration (YAML); it applies after Stop, then Start.")
        @Argument(help: "crm-to-campaign, campaign-to-crm or opt-in-out.") var workflow: String
        @Option(name: .customLong("file"), help: "Save this YAML file instead of opening an editor.") var file: String?
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            _ = try workflowName(workflow)
            if let file, !FileManager.default.isReadableFile(atPath: file) {
                throw ValidationError("--file \(file) does not exist or is not readable")
            }
        }

        func run() async throws {
            let api = try client.client()
            let text: String
            if let file {
                guard let contents = try? String(contentsOfFile: file, encoding: .utf8) else {
                    throw CLIError("\(file) is not UTF-8 text")
                }
                text = contents
            } else {
                guard let edited = try await editInteractively(api) else {
                    FileHandle.standardError.write(Data("no changes; nothing saved\n".utf8))
                    return
                }
                text = edited
            }
            let response = try await api.send(
                "PUT", "/api/workflows/\(workflow)/config", rawBody: Array(text.utf8), contentType: "application/yaml")
            guard response.isSuccess else {
                var failure = api.failure(response)
                if file == nil, let kept = keepDraft(text) {
                    failure.message += "; your edit is kept in \(kept) (fix it, then: crmbridge workflows edit \(workflow) --file \(kept))"
                }
                throw failure
            }
            let answer = (try? JSONSerialization.jsonObject(with: Data(response.body))) ?? [:]
            if output.json { try JSONOutput.print(answer); return }
            let message = (answer as? [String: Any])?["message"] as? String ?? "saved"
            print("\(workflow): \(message)")
        }

        /// Opens the current configuration in the editor; `nil` when nothing changed.
        private func editInteractively(_ api: ControlClient) async throws -> String? {
            let current = try await api.json("GET", "/api/workflows/\(workflow)/config") as? [String: Any]
            let original = current?["config"] as? String ?? ""
            let path = NSTemporaryDirectory() + "crmbridge-\(workflow)-\(ProcessInfo.processInfo.processIdentifier).yaml"
            try original.write(toFile: path, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let environment = ProcessInfo.processInfo.environment
            let editor = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }.first { !$0.isEmpty } ?? "vi"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "\(editor) \"$1\"", "crmbridge-edit", path]
            do {
                try process.run()
            } catch {
                throw CLIError("cannot start the editor \"\(editor)\" (set EDITOR, or use --file)")
            }
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw CLIError("the editor \"\(editor)\" exited with status \(process.terminationStatus); nothing saved")
            }
            let edited = try String(contentsOfFile: path, encoding: .utf8)
            return edited == original ? nil : edited
        }

        private func keepDraft(_ text: String) -> String? {
            let path = NSTemporaryDirectory() + "crmbridge-\(workflow)-draft.yaml"
            return (try? text.write(toFile: path, atomically: true, encoding: .utf8)) == nil ? nil : path
        }
    }
}
