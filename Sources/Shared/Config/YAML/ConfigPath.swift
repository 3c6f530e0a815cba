/// Where a value sits in the configuration, rendered as `a.b[2].c`.
struct ConfigPath: Sendable, Equatable, CustomStringConvertible {
    private(set) var description: String

    static let root = ConfigPath(description: "")

    func key(_ key: String) -> ConfigPath {
        ConfigPath(description: description.isEmpty ? key : description + "." + key)
    }

    func index(_ index: Int) -> ConfigPath {
        ConfigPath(description: description + "[\(index)]")
    }
}
