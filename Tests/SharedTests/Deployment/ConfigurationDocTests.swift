import Config
import Foundation
import Testing

/// docs/configuration.md documents every key of crmbridge.yaml, every environment
/// variable and every command-line option the product reads, each with its default.
/// What the code reads is taken from the code, never from a list kept here: the key lists
/// the YAML parser accepts (its unknown-key check), the variables the sources read
/// (`environment["…"]`, `getenv`) and the parser reports missing, and the options of the
/// built executables (swift-argument-parser's own description of them).
@Suite struct ConfigurationDocTests {
    static let docPath = "docs/configuration.md"

    // MARK: reading the doc

    /// A table row of the doc: its first cell's `code` spans and whether its second cell
    /// (the default) says something.
    struct Row {
        let names: [String]
        let hasDefault: Bool
        let line: String
    }

    /// The table rows of `section` (a `## ` heading's text; nil: the whole doc).
    static func rows(inSection section: String? = nil) throws -> [Row] {
        var text = try RepositoryFiles.text(docPath)
        if let section {
            let parts = text.components(separatedBy: "\n## ")
            let found = try #require(
                parts.first { $0.hasPrefix(section + "\n") }, "\(docPath) has no section \"## \(section)\"")
            text = found
        }
        return text.split(separator: "\n").compactMap { line -> Row? in
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard line.hasPrefix("|"), cells.count >= 4, !cells[1].hasPrefix("---") else { return nil }
            let names = RepositoryFiles.captures("`([^`]+)`", in: cells[1])
            return Row(names: names, hasDefault: !cells[2].isEmpty, line: String(line))
        }
    }

    /// The problems of `names` against `rows`: a name no row's first cell holds as a whole
    /// word, or whose row gives no default.
    static func undocumented(_ names: Set<String>, in rows: [Row], what: String) -> [String] {
        names.sorted().compactMap { name in
            let pattern = "(?<![A-Za-z0-9_-])" + NSRegularExpression.escapedPattern(for: name) + "(?![A-Za-z0-9_])"
            let matching = rows.filter { row in
                row.names.contains { $0.range(of: pattern, options: .regularExpression) != nil }
            }
            if matching.isEmpty {
                return "\(what) \(name) is not in a table of \(docPath)"
            }
            if !matching.contains(where: \.hasDefault) {
                return "\(what) \(name) has no default in \(docPath): \(matching[0].line)"
            }
            return nil
        }
    }

    // MARK: what the code reads

    /// Every key the YAML parser accepts: the string literals of each key list handed to
    /// its unknown-key check (`keys: […]`, `static let yamlKeys = […]`, `let keys = […]`),
    /// plus the workflow names. A key list in a form this scan cannot read is reported, so
    /// a new one is never skipped in silence.
    static func parserKeys() throws -> (keys: Set<String>, unreadable: [String]) {
        var keys = Set(WorkflowName.allCases.map(\.rawValue))
        var unreadable: [String] = []
        let readableNames = ["yamlKeys", "keys", "Self.yamlKeys"]
        for (path, text) in try RepositoryFiles.swiftSources(under: "Sources/Shared/Config") {
            for list in RepositoryFiles.captures(
                #"(?:yamlKeys\s*=|let keys\s*=|keys:)\s*\[([^\]]*)\]"#, in: text) where list != "String" {
                keys.formUnion(RepositoryFiles.captures(#""([A-Za-z][A-Za-z0-9]*)""#, in: list))
            }
            for argument in RepositoryFiles.captures(#"keys:\s*([^\[\s][^,)\n]*)"#, in: text)
                where !readableNames.contains(argument) && !argument.hasSuffix(".yamlKeys")
                    && !argument.hasPrefix("WorkflowName.allCases.map(") {
                unreadable.append("\(path): keys: \(argument)")
            }
        }
        return (keys, unreadable)
    }

    /// The variables the product's sources read by name (not the benchmark's, which
    /// scripts/bench.sh sets for it: docs/performance.md). A read by a computed name is
    /// reported, except in the connections parser, whose default names
    /// `parserDefaultVariables` finds and whose other names come from the file itself.
    static func variablesReadBySources() throws -> (names: Set<String>, unreadable: [String]) {
        var names: Set<String> = []
        var unreadable: [String] = []
        for (path, text) in try RepositoryFiles.swiftSources(under: "Sources") where !path.hasPrefix("Sources/Bench/") {
            names.formUnion(RepositoryFiles.captures(#"environment\[\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\]"#, in: text))
            names.formUnion(RepositoryFiles.captures(#"getenv\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\)"#, in: text))
            let computed = RepositoryFiles.captures(#"(?:environment\[|getenv\()\s*([^"\s\]\)][^\]\)]*)"#, in: text)
            if !computed.isEmpty && path != "Sources/Shared/Config/ConnectionsConfig+YAML.swift" {
                unreadable += computed.map { "\(path): a variable read by a computed name: \($0)" }
            }
        }
        return (names, unreadable)
    }

    /// The variables the connections parser reads when the file names none: the ones it
    /// reports missing when the environment is empty, for each CRM.
    static func parserDefaultVariables() -> Set<String> {
        var names: Set<String> = []
        for kind in ["dynamics", "salesforce"] {
            let yaml = "instance: doc\nconnections:\n  campaign: {}\n  kafka: {}\n  crm: {kind: \(kind)}\n"
            do {
                _ = try CRMBridgeConfig.parse(yaml: yaml, environment: [:])
            } catch {
                for problem in error.problems {
                    names.formUnion(RepositoryFiles.captures(#"environment variable ([A-Z][A-Z0-9_]*) is not set"#, in: problem.message))
                }
            }
        }
        return names
    }

    /// The executables a deployment runs, whose every option the doc lists.
    static let deployedExecutables = ["IngressService", "EgressService", "OptOutService", "ControlService", "crm-emulator"]

    // MARK: tests

    @Test func everyKeyTheParserAcceptsIsDocumentedWithItsDefault() throws {
        let (keys, unreadable) = try Self.parserKeys()
        #expect(unreadable.isEmpty, "key lists this test cannot read: \(unreadable)")
        // The scan works: keys of every level are found.
        for known in ["instance", "topicPartitions", "notAnsweringAfter", "horizonWarningAfter", "softDeleteColumn", "campaignModifiedColumn", "queryTimeout"] {
            #expect(keys.contains(known), "the scan of Sources/Shared/Config missed \(known)")
        }
        let problems = Self.undocumented(keys, in: try Self.rows(), what: "crmbridge.yaml key")
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test func everyEnvironmentVariableTheProductReadsIsDocumentedWithItsDefault() throws {
        let (read, unreadable) = try Self.variablesReadBySources()
        #expect(unreadable.isEmpty, "\(unreadable.joined(separator: "\n"))")
        let defaults = Self.parserDefaultVariables()
        #expect(defaults.isSuperset(of: ["CAMPAIGN_DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "DYNAMICS_URL", "SALESFORCE_CLIENT_SECRET"]),
                "the parser's default variables were not found: \(defaults)")
        #expect(read.isSuperset(of: ["CRMBRIDGE_API_TOKEN", "CRMBRIDGE_METRICS_PORT"]), "the scan of Sources missed variables: \(read)")
        let problems = Self.undocumented(
            read.union(defaults), in: try Self.rows(inSection: "Environment variables"), what: "environment variable")
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test func everyOptionOfTheDeployedExecutablesIsDocumentedWithItsDefault() async throws {
        var options: Set<String> = []
        for executable in Self.deployedExecutables {
            options.formUnion(try await ProductCommand.of(executable).allLongOptions)
        }
        #expect(options.isSuperset(of: ["--metrics-port", "--port", "--seed"]), "options not found: \(options)")
        let problems = Self.undocumented(options, in: try Self.rows(inSection: "Command-line options"), what: "option")
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    /// Every `--option` the doc's options table lists exists in one of the package's executables.
    @Test func everyOptionTheDocListsExists() async throws {
        let packageText = try RepositoryFiles.text("Package.swift")
        let executables = RepositoryFiles.captures(#"\.executable\(\s*name:\s*"([^"]+)""#, in: packageText)
        var existing: Set<String> = []
        for executable in executables {
            existing.formUnion(try await ProductCommand.of(executable).allLongOptions)
        }
        let listed = try Self.rows(inSection: "Command-line options").flatMap(\.names)
            .flatMap { RepositoryFiles.captures(#"(--[a-z][a-z0-9-]+)"#, in: $0) }
        #expect(!listed.isEmpty)
        let missing = Set(listed).subtracting(existing)
        #expect(missing.isEmpty, "\(Self.docPath) lists options no executable has: \(missing.sorted())")
    }

    /// Every variable a script gives a default (`${NAME:-…}`, `${NAME:=…}`; upper case:
    /// lower case names are the scripts' own locals) is in the doc's section of the scripts.
    @Test func everyVariableTheScriptsReadIsDocumentedWithItsDefault() throws {
        var names: Set<String> = []
        for path in RepositoryFiles.files(under: "scripts", extensions: ["sh"]) + ["Makefile", ".ci/run"] {
            names.formUnion(RepositoryFiles.captures(#"\$\{([A-Z][A-Z0-9_]*):[-=]"#, in: try RepositoryFiles.text(path)))
        }
        #expect(names.isSuperset(of: ["PG_PORT", "CRM", "WITH_CI"]), "the scan of scripts/ missed variables: \(names)")
        let problems = Self.undocumented(
            names, in: try Self.rows(inSection: "make run, make test and the scripts"), what: "script variable")
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    /// The check itself: a key, variable or option missing from the doc is found, and one
    /// without a default too.
    @Test func theCheckFindsWhatIsMissingOrHasNoDefault() throws {
        let rows = [
            Row(names: ["kafka.topicPartitions"], hasDefault: true, line: ""),
            Row(names: ["crm.scope"], hasDefault: false, line: ""),
        ]
        #expect(Self.undocumented(["topicPartitions"], in: rows, what: "key").isEmpty)
        #expect(Self.undocumented(["partitions"], in: rows, what: "key").count == 1)
        #expect(Self.undocumented(["scope"], in: rows, what: "key").count == 1)
        #expect(Self.undocumented(["topic"], in: rows, what: "key").count == 1)
    }
}
