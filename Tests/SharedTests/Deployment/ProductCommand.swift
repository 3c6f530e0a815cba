import Foundation
import TestSupport

/// A product's command tree as swift-argument-parser describes it
/// (`--experimental-dump-help`): its subcommands, options and the allowed values of its
/// positional arguments, read from the built executable rather than from a list kept here.
struct ProductCommand: Decodable {
    struct Name: Decodable {
        let kind: String  // long, short, longWithSingleDash
        let name: String
    }

    struct Argument: Decodable {
        let kind: String  // positional, option, flag
        let names: [Name]?
        let valueName: String?
        let allValues: [String]?
        let isOptional: Bool?

        var longNames: [String] { (names ?? []).filter { $0.kind == "long" }.map { "--" + $0.name } }
    }

    let commandName: String
    let defaultSubcommand: String?
    let subcommands: [ProductCommand]?
    let arguments: [Argument]?

    var options: [Argument] { (arguments ?? []).filter { $0.kind != "positional" } }
    /// The real subcommands: swift-argument-parser lists a `help` one under every command.
    var commands: [ProductCommand] { (subcommands ?? []).filter { $0.commandName != "help" } }
    /// What a service runs as its role: its subcommands (`EgressService reader`), or the
    /// values of its first argument (`IngressService <role>`).
    var roleNames: [String] { commands.isEmpty ? positionals.first?.allValues ?? [] : commands.map(\.commandName) }
    var positionals: [Argument] { (arguments ?? []).filter { $0.kind == "positional" } }

    /// Every long option of this command and its subcommands but `--help`/`--version`.
    var allLongOptions: Set<String> {
        var names = Set(options.flatMap(\.longNames)).subtracting(["--help", "--version"])
        for subcommand in commands {
            names.formUnion(subcommand.allLongOptions)
        }
        return names
    }

    private struct ToolInfo: Decodable {
        let command: ProductCommand
    }

    /// The built executable's command tree (`swift build` first: make test does).
    static func of(_ executable: String) async throws -> ProductCommand {
        let path = RoleProcessHandle.binDirectory.appendingPathComponent(executable).path
        let json = try await ProgramOutput.of(path, ["--experimental-dump-help"])
        return try JSONDecoder().decode(ToolInfo.self, from: Data(json.utf8)).command
    }

    /// What is wrong with running `arguments` (after the executable's name) against this
    /// command, or nil when the command accepts them: an unknown subcommand, an option
    /// the command does not have, a value a positional argument does not allow, a
    /// missing subcommand or required positional.
    func problem(with arguments: [String]) -> String? {
        var remaining = arguments[...]
        let subcommands = commands
        if !subcommands.isEmpty {
            if let next = remaining.first, let subcommand = subcommands.first(where: { $0.commandName == next }) {
                return subcommand.problem(with: Array(remaining.dropFirst()))
            }
            if let next = remaining.first, !next.hasPrefix("-") {
                return "\(commandName) has no subcommand \"\(next)\" (it has \(subcommands.map(\.commandName).joined(separator: ", ")))"
            }
            guard let name = defaultSubcommand, let subcommand = subcommands.first(where: { $0.commandName == name }) else {
                return "\(commandName) needs a subcommand (\(subcommands.map(\.commandName).joined(separator: ", ")))"
            }
            return subcommand.problem(with: Array(remaining))
        }
        var positionals = self.positionals[...]
        while let token = remaining.popFirst() {
            if token.hasPrefix("--") {
                let name = String(token.split(separator: "=", maxSplits: 1)[0])
                guard let option = options.first(where: { $0.longNames.contains(name) }) else {
                    return "\(commandName) has no option \(name)"
                }
                if option.kind == "option" && !token.contains("=") {
                    guard remaining.popFirst() != nil else { return "\(name) of \(commandName) needs a value" }
                }
                continue
            }
            guard let positional = positionals.popFirst() else {
                return "\(commandName) takes no argument \"\(token)\""
            }
            if let allowed = positional.allValues, !allowed.contains(token) {
                return "\(commandName)'s <\(positional.valueName ?? "argument")> is one of \(allowed.joined(separator: ", ")), not \"\(token)\""
            }
        }
        if let missing = positionals.first(where: { $0.isOptional != true }) {
            return "\(commandName) needs its <\(missing.valueName ?? "argument")>"
        }
        return nil
    }
}
