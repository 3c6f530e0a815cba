/// One problem in a configuration: where it is and what is wrong.
public struct ConfigProblem: Sendable, Equatable, CustomStringConvertible {
    /// The path of the value in the file: `workflows.crm-to-campaign.entities[1].fields[3].conversion`
    /// (list indexes count from 0). Empty for the document itself.
    public var path: String
    /// The 1-based line in the YAML text, when known.
    public var line: Int?
    public var message: String

    public init(path: String, line: Int?, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String {
        let location = line.map { "line \($0): " } ?? ""
        return path.isEmpty ? location + message : location + path + ": " + message
    }
}

/// Every problem found in a configuration, all at once. Messages name keys and rules;
/// they never contain secret values (secrets only come from the environment).
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [ConfigProblem]

    public init(_ problems: [ConfigProblem]) {
        self.problems = problems
    }

    /// A wrong configuration stays wrong until someone edits it.
    public var isRetriable: Bool { false }

    public var description: String {
        let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
        return "invalid configuration (\(count)):\n" + problems.map { "  " + $0.description }.joined(separator: "\n")
    }
}
