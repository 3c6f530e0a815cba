@testable import Config
import Foundation
import Testing

/// Population files are read only from `populations.directory`, which only the file sets;
/// the population's limits are read and checked with the field named.
@Suite struct PopulationsConfigTests {
    /// A fresh directory with `ids.txt`, `sub/more.txt`, a secret next to it, and links.
    private func layout() throws -> (root: String, populations: String) {
        let root = NSTemporaryDirectory() + "crmbridge-populations-\(UUID().uuidString.prefix(8))"
        let populations = root + "/populations"
        let files = FileManager.default
        try files.createDirectory(atPath: populations + "/sub", withIntermediateDirectories: true)
        try "a\nb\n".write(toFile: populations + "/ids.txt", atomically: true, encoding: .utf8)
        try "c\n".write(toFile: populations + "/sub/more.txt", atomically: true, encoding: .utf8)
        try "secret\n".write(toFile: root + "/secret.txt", atomically: true, encoding: .utf8)
        try files.createSymbolicLink(atPath: populations + "/escape.txt", withDestinationPath: root + "/secret.txt")
        try files.createSymbolicLink(atPath: populations + "/outside", withDestinationPath: root)
        try files.createSymbolicLink(atPath: populations + "/alias.txt", withDestinationPath: "ids.txt")
        return (root, populations)
    }

    @Test func filesInsideTheDirectoryAreResolved() throws {
        let (root, directory) = try layout()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = PopulationsConfig(directory: directory)
        let real = try config.resolve(file: "ids.txt").get()
        #expect(real.hasSuffix("/populations/ids.txt"))
        #expect(try config.resolve(file: "./sub//more.txt").get().hasSuffix("/populations/sub/more.txt"))
        #expect(try config.resolve(file: directory + "/ids.txt").get() == real)
        #expect(try config.resolve(file: "alias.txt").get() == real, "a link that stays inside is fine")
    }

    @Test(arguments: [
        ("../../etc/passwd", PopulationFileError.Reason.parentReference),
        ("sub/../../secret.txt", .parentReference),
        ("/etc/passwd", .outside),
        ("escape.txt", .linkOutside),
        ("outside/secret.txt", .linkOutside),
        ("nothing.txt", .missing),
        ("  ", .empty),
    ])
    func filesThatLeaveTheDirectoryAreRefused(file: String, reason: PopulationFileError.Reason) throws {
        let (root, directory) = try layout()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = PopulationsConfig(directory: directory).resolve(file: file)
        #expect(result == .failure(PopulationFileError(file: file, reason: reason)))
    }

    @Test func withoutADirectoryNoFileIsRead() {
        let result = PopulationsConfig().resolve(file: "ids.txt")
        guard case .failure(let error) = result else {
            Issue.record("resolved without a directory: \(result)")
            return
        }
        #expect(error.reason == .noDirectory)
        #expect(error.description.contains("populations.directory"))
    }

    @Test func aWorkflowNamingAFileOutsideIsRefusedWithTheFieldNamed() {
        let yaml = """
            entities:
              - name: contact
                fields: [{ remote: firstname, column: first_name }]
                population: { file: "../../etc/passwd" }
            """
        #expect(throws: ConfigError.self) {
            try WorkflowConfig.parse(yaml: yaml, workflow: .crmToCampaign, crm: .dynamics)
        }
        do {
            _ = try WorkflowConfig.parse(yaml: yaml, workflow: .crmToCampaign, crm: .dynamics)
        } catch {
            #expect(error.problems.map(\.path) == ["entities[0].population.file"])
            #expect(error.description.contains("\"..\" may not appear"), "\(error)")
        }
    }

    @Test func theSectionIsReadAndCheckedFieldByField() throws {
        let config = try CRMBridgeConfig.parse(
            yaml: configYAML() + "\npopulations:\n  directory: /srv/populations\n  queryTimeout: 30s\n",
            environment: demoEnvironment)
        #expect(config.populations == PopulationsConfig(directory: "/srv/populations", queryTimeout: .seconds(30)))
        #expect(try CRMBridgeConfig.parse(yaml: configYAML(), environment: demoEnvironment).populations
            == PopulationsConfig(directory: nil, queryTimeout: .seconds(300)))

        let found = problems(configYAML() + "\npopulations:\n  directory: relative/dir\n  queryTimeout: soon\n  extra: 1\n")
        #expect(found.contains { $0.path == "populations.directory" && $0.message.contains("absolute") }, "\(found)")
        #expect(found.contains { $0.path == "populations.queryTimeout" }, "\(found)")
        #expect(found.contains { $0.path.hasPrefix("populations") && $0.message.contains("extra") }, "\(found)")
    }
}
