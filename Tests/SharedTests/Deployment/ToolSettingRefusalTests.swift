import Foundation
import TestSupport
import Testing

/// The developer tools' settings (`make bench`, `make chaos`) refuse a value they do not
/// know, naming it, before anything starts: a misspelt value must not quietly run
/// another benchmark or another chaos suite than the one asked for.
@Suite struct ToolSettingRefusalTests {
    private static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The error a run with `settings` in its environment failed with, nil if it succeeded.
    private func refusal(_ settings: [String], _ command: [String]) async -> String? {
        do {
            _ = try await ProgramOutput.of("/usr/bin/env", settings + command)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test(arguments: [
        ("BENCH_EGRESS_RULES=yes", "BENCH_EGRESS_RULES must be 0 or 1, not yes"),
        ("BENCH_EGRESS_N=abc", "BENCH_EGRESS_N: abc is not a number of at least 1"),
        ("BENCH_PROFILE=quick", "quick is not default, full or scale"),
        ("BENCH_KAFKA_PROPERTIES=linger.ms=5,lz4", "BENCH_KAFKA_PROPERTIES: lz4 is not key=value"),
    ])
    func theBenchCommandRefusesAnUnknownSetting(setting: String, message: String) async throws {
        let bench = RoleProcessHandle.binDirectory.appendingPathComponent("crmbridge-bench").path
        let error = await refusal([setting], [bench])
        #expect(error?.contains(message) == true, "\(error ?? "it ran")")
    }

    @Test(arguments: [
        ("CHAOS_PARALLEL=yes", "CHAOS_PARALLEL must be 0 or 1, not yes"),
        ("CHAOS_PROFILE=Full", "CHAOS_PROFILE must be full or short, not Full"),
        ("CHAOS_CRMS=dynamics,hubspot", "CHAOS_CRMS lists dynamics and/or salesforce, not hubspot"),
    ])
    func theChaosScriptRefusesAnUnknownSettingBeforeItBuildsAnything(setting: String, message: String) async throws {
        let error = await refusal([setting], ["/bin/bash", Self.root + "/scripts/chaos.sh"])
        #expect(error?.contains(message) == true, "\(error ?? "it ran")")
        #expect(error?.contains("exited 2") == true, "\(error ?? "it ran")")
    }
}
