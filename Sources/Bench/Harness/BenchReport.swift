import Foundation

/// The results of one run: the machine, the settings, every figure and every failure.
/// Printed as a table and written as JSON (`bench/results/latest.json`).
struct BenchReport: Codable, Sendable {
    struct Machine: Codable, Sendable {
        var cores: Int
        var memoryGiB: Double
        /// `/proc/loadavg` at the start and the end: the machine is shared, say how much.
        var loadAverageAtStart: String
        var loadAverageAtEnd: String
        var kernel: String
    }

    struct Settings: Codable, Sendable {
        var records: Int
        var scales: [Int]
        var pageSize: Int
        var latencyRate: Int
        var latencySeconds: Int
        var latencyContacts: Int
        var latencyInterval: String
        var build: String
    }

    var suite = "crmbridge"
    var commit: String
    var date: String
    var durationSeconds: Double
    var machine: Machine
    var settings: Settings
    var figures: [Figure]
    var failures: [BenchFailure]

    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }

    /// The table: one line per figure, grouped as they ran.
    var table: String {
        var lines = [
            "crm-to-campaign benchmarks — commit \(commit), \(date), \(machine.cores) cores, load \(machine.loadAverageAtStart) → \(machine.loadAverageAtEnd)",
            String(repeating: "─", count: 118),
            Self.row("figure", "N", "value", "unit", "target", "met"),
            String(repeating: "─", count: 118),
        ]
        var cpu: [Figure] = []
        // Series (one figure per slice of a run, `scale-series`): one line each, after the rest.
        var series: [(id: String, figures: [Figure])] = []
        for figure in figures {
            if figure.workflow == "scale-series" {
                if let index = series.firstIndex(where: { $0.id == figure.id }) {
                    series[index].figures.append(figure)
                } else {
                    series.append((figure.id, [figure]))
                }
                continue
            }
            // CPU accounting: one compact line per phase (the JSON has every part).
            if figure.workflow == "cpu" {
                cpu.append(figure)
                if figure.id.hasSuffix(".total") {
                    lines.append(Self.cpuLine(cpu))
                    cpu = []
                }
                continue
            }
            lines.append(Self.row(
                figure.label, figure.scale.map(Self.count) ?? "", Self.value(figure.value, unit: figure.unit), figure.unit,
                figure.target.map { "\($0.comparison.rawValue) \(Self.value($0.value, unit: figure.unit))" } ?? "",
                figure.met.map { $0 ? "yes" : "NO" } ?? ""))
            if let note = figure.note { lines.append("    " + note) }
        }
        for (_, points) in series {
            guard let first = points.first else { continue }
            lines.append("\(first.label) (\(first.unit)): " + points.map {
                "\(Self.count($0.scale ?? 0)) \(Self.value($0.value, unit: $0.unit))"
            }.joined(separator: " | "))
        }
        for failure in failures {
            lines.append("FAILED \(failure.benchmark)\(failure.scale.map { " at N=\(Self.count($0))" } ?? ""): \(failure.error)")
        }
        lines.append(String(repeating: "─", count: 118))
        return lines.joined(separator: "\n")
    }

    /// `CPU ms/1k rec: reader 120, writer 300, … = 1400 (85% of 2 cores)`.
    private static func cpuLine(_ figures: [Figure]) -> String {
        let parts = figures.filter { !$0.id.hasSuffix(".total") }
            .map { "\($0.id.split(separator: ".").last ?? "") \(String(format: "%.0f", $0.value))" }
        let total = figures.last.map { String(format: "%.0f", $0.value) } ?? "?"
        return "    CPU ms per 1k records: " + parts.joined(separator: ", ") + " = \(total); " + (figures.last?.note ?? "")
    }

    private static func row(_ label: String, _ n: String, _ value: String, _ unit: String, _ target: String, _ met: String) -> String {
        pad(label, 44) + pad(n, 11, right: true) + pad(value, 14, right: true) + "  " + pad(unit, 11) + pad(target, 14) + met
    }

    private static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return right ? padding + text : text + padding
    }

    static func count(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }

    static func value(_ value: Double, unit: String) -> String {
        guard value.isFinite else { return "n/a" }
        switch unit {
        case "records/s", "changes/s": return count(Int(value.rounded()))
        case "ratio": return String(format: "%.2f", value)
        case "MB": return String(format: "%.0f", value)
        default: return String(format: "%.2f", value)
        }
    }
}

extension BenchReport.Machine {
    static func current(loadAtStart: String) -> BenchReport.Machine {
        BenchReport.Machine(
            cores: ProcessInfo.processInfo.activeProcessorCount,
            memoryGiB: (Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824 * 10).rounded() / 10,
            loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadAverage(),
            kernel: ProcessInfo.processInfo.operatingSystemVersionString)
    }

    static func loadAverage() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}
