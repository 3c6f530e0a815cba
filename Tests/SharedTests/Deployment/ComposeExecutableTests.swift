import Foundation
import Testing
import Yams

/// docker-compose.yml, the Kubernetes manifests and the image run only what the package
/// builds: every command names an executable product of Package.swift, with subcommands,
/// role values and options its argument parser accepts (read from the built executable),
/// and every role a service can run is deployed, in compose and on a cluster alike.
@Suite struct ComposeExecutableTests {
    /// A command a container runs, and where it was found.
    struct ContainerCommand: CustomStringConvertible {
        let origin: String
        let argv: [String]
        let profiles: [String]
        var description: String { "\(origin): \(argv.joined(separator: " "))" }
    }

    /// The executable products Package.swift declares.
    static func declaredExecutables() throws -> Set<String> {
        Set(RepositoryFiles.captures(#"\.executable\(\s*name:\s*"([^"]+)""#, in: try RepositoryFiles.text("Package.swift")))
    }

    static func composeCommands() throws -> [ContainerCommand] {
        let compose = try #require(try Yams.load(yaml: try RepositoryFiles.text("docker-compose.yml")) as? [String: Any])
        let services = try #require(compose["services"] as? [String: Any])
        return services.keys.sorted().compactMap { name in
            let service = services[name] as? [String: Any] ?? [:]
            guard let command = service["command"] as? [Any] else { return nil }
            return ContainerCommand(
                origin: "docker-compose.yml services.\(name)", argv: command.map { "\($0)" },
                profiles: (service["profiles"] as? [Any] ?? []).map { "\($0)" })
        }
    }

    /// The commands of every container of every workload under deploy/ (the image has no
    /// ENTRYPOINT, so `command` + `args` is the whole command line).
    static func manifestCommands() throws -> [ContainerCommand] {
        var commands: [ContainerCommand] = []
        for path in RepositoryFiles.files(under: "deploy", extensions: ["yaml", "yml"]) {
            for case let object as [String: Any] in try Yams.load_all(yaml: try RepositoryFiles.text(path)) {
                let name = (object["metadata"] as? [String: Any])?["name"] as? String ?? "?"
                let template = (object["spec"] as? [String: Any])?["template"] as? [String: Any]
                let containers = (template?["spec"] as? [String: Any])?["containers"] as? [[String: Any]] ?? []
                for container in containers {
                    let argv = ((container["command"] as? [Any] ?? []) + (container["args"] as? [Any] ?? [])).map { "\($0)" }
                    commands.append(ContainerCommand(
                        origin: "\(path) \(object["kind"] ?? "?") \(name)", argv: argv, profiles: []))
                }
            }
        }
        return commands
    }

    /// The products deploy/Dockerfile copies into the image.
    static func imageExecutables() throws -> Set<String> {
        let dockerfile = try RepositoryFiles.text("deploy/Dockerfile")
        let list = try #require(RepositoryFiles.captures(#"for product in ([^;]+);"#, in: dockerfile).first)
        return Set(list.split(separator: " ").map(String.init))
    }

    /// Problems of each command: an executable the package does not build or the image
    /// does not hold, a subcommand, role or option its parser refuses.
    static func problems(of commands: [ContainerCommand]) async throws -> [String] {
        let declared = try declaredExecutables()
        let inImage = try imageExecutables()
        var parsers: [String: ProductCommand] = [:]
        var problems: [String] = []
        for command in commands {
            guard let executable = command.argv.first else {
                problems.append("\(command.origin): no command (the image has no default one)")
                continue
            }
            guard declared.contains(executable) else {
                problems.append("\(command): \(executable) is not an executable product of Package.swift (\(declared.sorted().joined(separator: ", ")))")
                continue
            }
            if !inImage.contains(executable) {
                problems.append("\(command): deploy/Dockerfile does not copy \(executable) into the image")
            }
            if parsers[executable] == nil {
                parsers[executable] = try await ProductCommand.of(executable)
            }
            if let problem = parsers[executable]?.problem(with: Array(command.argv.dropFirst())) {
                problems.append("\(command): \(problem)")
            }
        }
        return problems
    }

    @Test func composeRunsOnlyBuiltExecutablesWithTheirSubcommandsAndOptions() async throws {
        let commands = try Self.composeCommands()
        #expect(commands.count >= 9, "compose's commands were not found: \(commands)")
        let problems = try await Self.problems(of: commands)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test func manifestsRunOnlyBuiltExecutablesWithTheirSubcommandsAndOptions() async throws {
        let commands = try Self.manifestCommands()
        #expect(commands.count >= 8, "the manifests' commands were not found: \(commands)")
        let problems = try await Self.problems(of: commands)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    /// Each role a service executable can run (its subcommands or the values of its
    /// `<role>` argument) is its
    /// own compose service and its own Deployment; nothing else is deployed twice or missed.
    @Test func composeAndTheManifestsRunEveryRoleOfEveryService() async throws {
        var roles: Set<[String]> = []
        for service in ["IngressService", "EgressService", "OptOutService"] {
            let parser = try await ProductCommand.of(service)
            #expect(!parser.roleNames.isEmpty, "\(service) has no roles")
            roles.formUnion(parser.roleNames.map { [service, $0] })
        }
        let deployedInCompose = try Self.composeCommands().filter { !$0.profiles.contains("demo") }
        let deployedOnACluster = try Self.manifestCommands()
        for (origin, commands) in [("docker-compose.yml", deployedInCompose), ("deploy/", deployedOnACluster)] {
            let deployed = commands.map { Array($0.argv.prefix(2)) }.filter { roles.contains($0) }
            #expect(Set(deployed) == roles, "\(origin) runs roles \(deployed.sorted { "\($0)" < "\($1)" }), expected each of \(roles.sorted { "\($0)" < "\($1)" })")
            #expect(deployed.count == Set(deployed).count, "\(origin) runs a role twice: \(deployed)")
            #expect(commands.contains { $0.argv.prefix(2) == ["ControlService", "serve"] }, "\(origin) runs no control service")
        }
    }

    /// The check itself: commands the products do not have are found.
    @Test func theCheckFindsUnknownExecutablesSubcommandsRolesAndOptions() async throws {
        let wrong = [
            ["crmbridge-daemon", "run"],               // no such product
            ["IngressService", "rader"],               // no such role
            ["ControlService", "srve"],                // no such subcommand
            ["crm-emulator", "--prt", "8090"],         // no such option
            ["crmbridge", "workflows", "restart"],     // no such nested subcommand
            ["EgressService"],                         // the role is missing
        ]
        let problems = try await Self.problems(of: wrong.map { ContainerCommand(origin: "test", argv: $0, profiles: []) })
        #expect(problems.count == wrong.count, "\(problems)")
        let right = [["ControlService", "serve", "--host", "0.0.0.0"], ["OptOutService", "crm-reader"], ["crmbridge", "demo-schema"]]
        let none = try await Self.problems(of: right.map { ContainerCommand(origin: "test", argv: $0, profiles: []) })
        #expect(none.isEmpty, "\(none)")
    }
}
