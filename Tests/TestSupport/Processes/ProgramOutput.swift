import Foundation

/// Runs a program to its end and gives its standard output (a product's
/// `--experimental-dump-help`, a script). Throws with its standard error when it exits
/// non-zero. Spawned and awaited off the cooperative pool, as `TestPostgres` does.
public enum ProgramOutput {
    public static func of(_ executable: String, _ arguments: [String]) async throws -> String {
        try await TestPostgres.run(executable, arguments)
    }
}
