/// The mutable state of one run.
actor BenchState {
    private(set) var figures: [Figure] = []
    private(set) var failures: [BenchFailure] = []
    private(set) var emulatorContacts: Int?
    private(set) var dataset: ContactDataset?
    /// Named things one benchmark leaves for a later one (the load's topic and database).
    private var artefacts: [String: String] = [:]

    func record(_ new: [Figure]) { figures += new }
    func record(_ failure: BenchFailure) { failures.append(failure) }
    func setEmulatorContacts(_ count: Int?) { emulatorContacts = count }
    func setDataset(_ dataset: ContactDataset?) { self.dataset = dataset }
    func setArtefact(_ key: String, _ value: String?) { artefacts[key] = value }
    func artefact(_ key: String) -> String? { artefacts[key] }
}
