import Foundation

/// Where the control service is and the token to call it: `CRMBRIDGE_CONTROL_URL`
/// and `CRMBRIDGE_API_TOKEN`, each falling back to `.crmbridge/stack.env` (written by
/// `make run`) in the current directory or the nearest parent that has one.
struct ControlEndpoint: Sendable, Equatable {
    var baseURL: String
    var token: String

    static func resolve(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        directory: String = FileManager.default.currentDirectoryPath,
        urlOverride: String? = nil
    ) throws -> ControlEndpoint {
        var url = urlOverride ?? nonEmpty(environment["CRMBRIDGE_CONTROL_URL"])
        var token = nonEmpty(environment["CRMBRIDGE_API_TOKEN"])
        if url == nil || token == nil, let file = stackEnvFile(from: directory) {
            let values = parseEnvFile(file)
            url = url ?? nonEmpty(values["CRMBRIDGE_CONTROL_URL"])
            token = token ?? nonEmpty(values["CRMBRIDGE_API_TOKEN"])
        }
        guard let url else {
            throw CLIError("CRMBRIDGE_CONTROL_URL is not set and no .crmbridge/stack.env was found (start the stack with make run, or export it)")
        }
        guard let token else {
            throw CLIError("CRMBRIDGE_API_TOKEN is not set and no .crmbridge/stack.env has it (make run writes one)")
        }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw CLIError("CRMBRIDGE_CONTROL_URL must start with http:// or https://, not \"\(url)\"")
        }
        return ControlEndpoint(baseURL: url.hasSuffix("/") ? String(url.dropLast()) : url, token: token)
    }

    static func stackEnvFile(from directory: String) -> String? {
        var url = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
        while true {
            let candidate = url.appendingPathComponent(".crmbridge/stack.env").path
            if FileManager.default.isReadableFile(atPath: candidate) { return candidate }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { return nil }
            url = parent
        }
    }

    /// `KEY=VALUE` lines; `#` comments, blank lines and optional quotes are allowed.
    static func parseEnvFile(_ path: String) -> [String: String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        var values: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") || line.isEmpty { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)) }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<equals]).trimmingCharacters(in: .whitespaces)
            var value = String(line[line.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            values[key] = value
        }
        return values
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
