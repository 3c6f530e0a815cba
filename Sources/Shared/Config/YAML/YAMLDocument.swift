import Yams

/// Turns YAML text into a node tree, YAML syntax errors into problems with their line.
enum YAMLDocument {
    /// The root node; `nil` for an empty document or after a reported syntax error
    /// (`isEmpty` tells which).
    static func compose(_ yaml: String, reader: ConfigReader) -> (node: Node?, isEmpty: Bool) {
        do {
            let node = try Yams.compose(yaml: yaml)
            return (node, node == nil)
        } catch let error as YamlError {
            switch error {
            case .scanner(let context, let problem, let mark, _),
                 .parser(let context, let problem, let mark, _),
                 .composer(let context, let problem, let mark, _):
                let detail = context.map { " (\($0.text))" } ?? ""
                reader.report(.root, line: mark.line, "not valid YAML: \(problem)\(detail)")
            case .duplicatedKeysInMapping(let duplicates, let context):
                let keys = duplicates.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
                reader.report(.root, line: context.mark.line, "duplicate key \(keys) in one mapping")
            case .reader(let problem, _, _, _):
                reader.report(.root, line: nil, "not readable as YAML text: \(problem)")
            default:
                reader.report(.root, line: nil, "not valid YAML: \(error)")
            }
            return (nil, false)
        } catch {
            reader.report(.root, line: nil, "not valid YAML: \(error)")
            return (nil, false)
        }
    }

    /// YAML text of a node, for storing one workflow's section on its own.
    static func text(of node: Node?) -> String {
        guard let node, !node.isNullScalar, let text = try? Yams.serialize(node: node) else {
            return "{}\n"
        }
        return text
    }
}
