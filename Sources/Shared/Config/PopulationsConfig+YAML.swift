import Yams

extension PopulationsConfig {
    static let yamlKeys = ["directory", "queryTimeout"]

    static func read(_ yaml: YAMLMapping?) -> PopulationsConfig {
        guard let yaml else { return PopulationsConfig() }
        let directory = yaml.nonEmptyString("directory")
        if let directory, !directory.hasPrefix("/") {
            yaml.report("directory", "must be an absolute path, found \"\(directory)\"")
        }
        return PopulationsConfig(
            directory: directory, queryTimeout: yaml.duration("queryTimeout", default: defaultQueryTimeout))
    }
}
