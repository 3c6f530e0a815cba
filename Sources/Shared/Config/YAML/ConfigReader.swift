import Yams

/// Collects every problem while the configuration tree is walked.
final class ConfigReader {
    private var found: [ConfigProblem] = []

    /// Every problem so far, in file order (stable: same line keeps reading order).
    var problems: [ConfigProblem] {
        found.enumerated()
            .sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }
            .map(\.element)
    }

    func report(_ path: ConfigPath, _ node: Node?, _ message: String) {
        found.append(ConfigProblem(path: path.description, line: node?.mark?.line, message: message))
    }

    func report(_ path: ConfigPath, line: Int?, _ message: String) {
        found.append(ConfigProblem(path: path.description, line: line, message: message))
    }

    /// The mapping at `node`, with only `keys` allowed; unknown keys are reported (with a
    /// suggestion when one is close). `nil`, after a report, when `node` is no mapping.
    func mapping(_ node: Node, at path: ConfigPath, keys: [String]) -> YAMLMapping? {
        guard case .mapping(let mapping) = node else {
            report(path, node, "expected a mapping (key: value lines), found \(kindName(node))")
            return nil
        }
        var values: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                report(path, keyNode, "keys must be plain names, found \(kindName(keyNode))")
                continue
            }
            let key = scalar.string
            guard keys.contains(key) else {
                let hint = closest(to: key, in: keys).map { "; did you mean \"\($0)\"?" }
                    ?? " (expected one of \(keys.joined(separator: ", ")))"
                report(path.key(key), keyNode, "unknown key \"\(key)\"" + hint)
                continue
            }
            values[key] = value
        }
        return YAMLMapping(reader: self, path: path, node: node, values: values)
    }

    /// The items of the sequence at `node`; `[]`, after a report, when it is no sequence.
    func sequence(_ node: Node, at path: ConfigPath) -> [(path: ConfigPath, node: Node)] {
        guard case .sequence(let sequence) = node else {
            report(path, node, "expected a list (lines starting with '- '), found \(kindName(node))")
            return []
        }
        return sequence.enumerated().map { (path.index($0.offset), $0.element) }
    }

    func kindName(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            if node.isNullScalar {
                return "nothing (null)"
            }
            return "\"\(scalar.string)\""
        }
    }

    private func closest(to key: String, in keys: [String]) -> String? {
        let lowered = key.lowercased()
        let scored = keys.map { ($0, editDistance(lowered, $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, key.count / 3) else {
            return nil
        }
        return best.0
    }

    private func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars.prefix(64))
        let b = Array(b.unicodeScalars.prefix(64))
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            previous = current
        }
        return previous[b.count]
    }
}
