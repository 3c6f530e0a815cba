import ArgumentParser
import Config
import Foundation
import HTTPBridge

/// `crmbridge options get [NAME]` and `crmbridge options set NAME VALUE`: the
/// LASTIMPORT options (`yyyy/MM/dd HH:mm:ss`, UTC).
struct OptionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "options",
        abstract: "Read and set the LASTIMPORT options (where incremental imports resume).",
        subcommands: [Get.self, Set.self],
        defaultSubcommand: Get.self)

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the options, or show one.")
        @Argument(help: "An option name; all options when left out.") var name: String?
        @Option(help: "Only options whose name starts with this.") var prefix: String?
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let api = try client.client()
            if let name {
                let answer = try await api.json("GET", "/api/options/\(HTTPBridge.HTTPRequest.percentEncoded(name))")
                if output.json { try JSONOutput.print(answer); return }
                print((answer as? [String: Any])?["value"] as? String ?? "")
                return
            }
            let query = prefix.map { "?prefix=\(HTTPBridge.HTTPRequest.percentEncoded($0))" } ?? ""
            let answer = try await api.json("GET", "/api/options\(query)")
            if output.json { try JSONOutput.print(answer); return }
            var table = TextTable(headers: ["NAME", "VALUE", "UPDATED"])
            for option in answer as? [[String: Any]] ?? [] {
                table.rows.append([option["name"] as? String ?? "", option["value"] as? String ?? "", option["updatedAt"] as? String ?? ""])
            }
            print(table.rows.isEmpty ? "no options yet" : table.render())
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a LASTIMPORT or LASTEXPORT option (stop the workflow first).")
        @Argument(help: "LASTIMPORT_<instance>_crm-to-campaign_<entity> or LASTEXPORT_<instance>_campaign-to-crm_<source>") var name: String
        @Argument(help: "LASTIMPORT: yyyy/MM/dd HH:mm:ss in UTC, e.g. \"2026/01/31 23:59:59\"; LASTEXPORT: <stamp>:<id>, e.g. 7412:1200345.") var value: String
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if name.hasPrefix(LastExportOption.prefix) {
                if case .failure(let error) = LastExportOption.parse(value) { throw ValidationError(error.message) }
                return
            }
            guard name.hasPrefix(LastImportOption.prefix) else {
                throw ValidationError(
                    "only LASTIMPORT and LASTEXPORT options can be set (names start with \(LastImportOption.prefix) or \(LastExportOption.prefix))")
            }
            if case .failure(let error) = LastImportOption.parse(value) {
                throw ValidationError(error.message)
            }
        }

        func run() async throws {
            let answer = try await client.client().json(
                "PUT", "/api/options/\(HTTPBridge.HTTPRequest.percentEncoded(name))", body: ["value": value])
            let result = answer as? [String: Any] ?? [:]
            if let warning = result["warning"] as? String {
                FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
            }
            if output.json { try JSONOutput.print(answer); return }
            print("\(name) = \(value)")
        }
    }
}
