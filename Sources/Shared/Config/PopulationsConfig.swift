import Foundation

/// Where an entity's upstream population may come from (`populations:` in
/// `crmbridge.yaml`). Only the file sets these, never the API: a workflow's
/// configuration (which an API token holder edits) names a population query or file,
/// and these bound what that can do: the query's `statement_timeout`, and the one
/// directory files are read from.
public struct PopulationsConfig: Sendable, Equatable {
    /// Population files are read only from this directory (and its subdirectories);
    /// nil (the default): file populations are refused.
    public var directory: String?
    /// How long a population query may run before PostgreSQL cancels it; default 5 minutes.
    public var queryTimeout: Duration

    public static let defaultQueryTimeout: Duration = .seconds(300)

    public init(directory: String? = nil, queryTimeout: Duration = defaultQueryTimeout) {
        self.directory = directory
        self.queryTimeout = queryTimeout
    }

    /// The real path of population file `file` — relative to `directory`, or absolute
    /// inside it — once sure it stays inside `directory`: no `..`, no absolute path
    /// elsewhere, no symbolic link leading out. The error says which rule `file` breaks.
    public func resolve(file: String) -> Result<String, PopulationFileError> {
        guard let directory, !directory.isEmpty else {
            return .failure(PopulationFileError(file: file, reason: .noDirectory))
        }
        if let problem = Self.problem(with: file) {
            return .failure(PopulationFileError(file: file, reason: problem))
        }
        let base = Self.lexical(directory)
        let joined = file.hasPrefix("/") ? Self.lexical(file) : Self.lexical(base + "/" + file)
        guard Self.isInside(joined, base) else {
            return .failure(PopulationFileError(file: file, reason: .outside))
        }
        guard let realBase = Self.realPath(base) else {
            return .failure(PopulationFileError(file: file, reason: .directoryMissing(directory)))
        }
        guard let real = Self.realPath(joined) else {
            return .failure(PopulationFileError(file: file, reason: .missing))
        }
        guard Self.isInside(real, realBase) else {
            return .failure(PopulationFileError(file: file, reason: .linkOutside))
        }
        return .success(real)
    }

    /// What is wrong with `file` whatever the directory: empty, or a `..` part.
    static func problem(with file: String) -> PopulationFileError.Reason? {
        if file.trimmingCharacters(in: .whitespaces).isEmpty { return .empty }
        if file.split(separator: "/").contains("..") { return .parentReference }
        return nil
    }

    /// `path` without `.` parts and repeated or trailing slashes (`..` is refused earlier).
    private static func lexical(_ path: String) -> String {
        let parts = path.split(separator: "/").filter { $0 != "." }
        return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }

    private static func isInside(_ path: String, _ directory: String) -> Bool {
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        return path.hasPrefix(prefix) && path.count > prefix.count
    }

    /// Every symbolic link resolved (`realpath(3)`); nil when the path does not exist.
    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// A population file that may not be read, and why.
public struct PopulationFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        case noDirectory
        case empty
        case parentReference
        case outside
        case linkOutside
        case directoryMissing(String)
        case missing
    }

    public var file: String
    public var reason: Reason

    public var description: String {
        switch reason {
        case .noDirectory:
            "population file \"\(file)\" is refused: files are read only from populations.directory, which crmbridge.yaml does not set"
        case .empty:
            "the population file name is empty"
        case .parentReference:
            "population file \"\(file)\" is refused: \"..\" may not appear in it; name a file inside populations.directory"
        case .outside:
            "population file \"\(file)\" is refused: it is outside populations.directory"
        case .linkOutside:
            "population file \"\(file)\" is refused: a symbolic link leads outside populations.directory"
        case .directoryMissing(let directory):
            "population file \"\(file)\" cannot be read: populations.directory \(directory) does not exist"
        case .missing:
            "population file \"\(file)\" does not exist in populations.directory"
        }
    }
}
