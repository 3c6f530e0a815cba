import Foundation

/// `--json`: the API's answer as pretty, key-sorted JSON on stdout, nothing else there.
enum JSONOutput {
    static func print(_ value: Any) throws {
        let data = try JSONSerialization.data(
            withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}
