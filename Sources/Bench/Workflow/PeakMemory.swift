/// Measure 5: the peak resident memory (`VmHWM`) of each role process over one phase,
/// read just before the process is stopped. Processes are started fresh for every phase,
/// so the peak is that phase's.
enum PeakMemory {
    static let targetMegabytes = 150.0

    static func figures(phase: String, roles: [String], peaks: [Int], scale: Int) -> [Figure] {
        zip(roles, peaks).map { role, bytes in
            Figure(
                id: "rss.\(phase).\(role)", workflow: "crm-to-campaign", label: "Peak RSS \(role) (\(phase))",
                value: Double(bytes) / 1_048_576, unit: "MB", scale: scale, target: .atMost(targetMegabytes),
                note: "VmHWM of the \(role) process")
        }
    }
}
