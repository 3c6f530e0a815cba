import Foundation

/// Files of this checkout that the deployment and documentation tests read: the
/// deployment files as shipped, the docs as written, the sources as compiled.
enum RepositoryFiles {
    /// The repository root, found from this file's path (Tests/SharedTests/Deployment/).
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url
    }()

    static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relativePath), encoding: .utf8)
    }

    /// Every `.swift` file under `relativeDirectory`, as (path relative to the root, text).
    static func swiftSources(under relativeDirectory: String) throws -> [(path: String, text: String)] {
        let directory = root.appendingPathComponent(relativeDirectory)
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else {
            return []
        }
        var files: [(String, String)] = []
        for case let url as URL in walker where url.pathExtension == "swift" {
            let relative = String(url.path.dropFirst(root.path.count + 1))
            files.append((relative, try String(contentsOf: url, encoding: .utf8)))
        }
        return files.sorted { $0.0 < $1.0 }
    }

    /// The files directly in `relativeDirectory` and below whose name ends with one of `extensions`.
    static func files(under relativeDirectory: String, extensions: [String]) -> [String] {
        let directory = root.appendingPathComponent(relativeDirectory)
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else {
            return []
        }
        var found: [String] = []
        for case let url as URL in walker where extensions.contains(url.pathExtension) {
            found.append(String(url.path.dropFirst(root.path.count + 1)))
        }
        return found.sorted()
    }

    /// Every match of `pattern`'s first capture group in `text`.
    static func captures(_ pattern: String, in text: String, options: NSRegularExpression.Options = []) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: options) else {
            return []
        }
        let range = NSRange(text.startIndex..., in: text)
        return regex.matches(in: text, range: range).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }
}
