import Foundation

/// CPU time used by each part of the stack over a phase, from `/proc/<pid>/stat`: what
/// limits a figure on a 2-core machine is usually who eats the CPU. PostgreSQL counts its
/// postmaster with every backend (live ones, and those that ended, through the
/// postmaster's `cutime`/`cstime`).
struct CPUAccount: Sendable {
    /// A part and how to find its processes.
    struct Part: Sendable {
        var name: String
        var pid: Int32
        /// Add the CPU of the process's children (PostgreSQL backends).
        var withChildren = false
    }

    /// CPU seconds of every part at one moment.
    struct Snapshot: Sendable {
        var seconds: [String: Double]
        var at: ContinuousClock.Instant
    }

    var parts: [Part]

    func snapshot() -> Snapshot {
        var seconds: [String: Double] = [:]
        for part in parts {
            seconds[part.name] = part.withChildren ? Self.treeSeconds(part.pid) : Self.processSeconds(part.pid) ?? 0
        }
        return Snapshot(seconds: seconds, at: .now)
    }

    /// CPU milliseconds per 1000 records of each part between two snapshots, as figures.
    static func figures(from start: Snapshot, to end: Snapshot, records: Int, phase: String, scale: Int?) -> [Figure] {
        let wall = (end.at - start.at).seconds
        var figures: [Figure] = []
        var total = 0.0
        for name in end.seconds.keys.sorted() {
            let used = max(0, (end.seconds[name] ?? 0) - (start.seconds[name] ?? 0))
            total += used
            figures.append(Figure(
                id: "cpu.\(phase).\(name)", workflow: "cpu", label: "CPU \(name) (\(phase))",
                value: used * 1_000_000 / Double(records), unit: "ms/1k rec", scale: scale,
                note: String(format: "%.1f CPU-s over %.1f s (%.0f%% of a core)", used, wall, used / wall * 100)))
        }
        let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
        figures.append(Figure(
            id: "cpu.\(phase).total", workflow: "cpu", label: "CPU all parts (\(phase))",
            value: total * 1_000_000 / Double(records), unit: "ms/1k rec", scale: scale,
            note: String(format: "%.1f CPU-s over %.1f s: %.0f%% of the machine's %.0f cores", total, wall, total / (wall * cores) * 100, cores)))
        return figures
    }

    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// utime + stime (+ cutime + cstime with `children`) of one process, in seconds.
    static func processSeconds(_ pid: Int32, children: Bool = false) -> Double? {
        guard let fields = statFields(pid), fields.count > 14 else { return nil }
        // After "pid (comm)": state is field 3, so utime (14) is index 11 here.
        let values = [11, 12] + (children ? [13, 14] : [])
        let ticks = values.compactMap { Double(fields[$0]) }.reduce(0, +)
        return ticks / ticksPerSecond
    }

    /// A process with its children's finished time, plus its live children's time.
    static func treeSeconds(_ pid: Int32) -> Double {
        var total = processSeconds(pid, children: true) ?? 0
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let child = Int32(entry), child != pid, let fields = statFields(child), fields.count > 1,
                  Int32(fields[1]) == pid else { continue }
            total += processSeconds(child) ?? 0
        }
        return total
    }

    /// The fields of `/proc/<pid>/stat` after the command name: state, ppid, ….
    private static func statFields(_ pid: Int32) -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }
}
