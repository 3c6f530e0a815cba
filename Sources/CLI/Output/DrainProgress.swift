import Foundation

/// The progress of a draining backlog on stderr: a bar from the largest backlog seen
/// down to 0, the rate at which it goes down and the time left at that rate. On a
/// terminal the line redraws in place; otherwise one line every few seconds.
struct DrainProgress {
    private(set) var peak: Int64 = 0
    private var samples: [(time: Double, backlog: Int64)] = []
    private var lastPrinted = -Double.infinity
    let interactive: Bool
    let width = 30

    init(interactive: Bool = isatty(STDERR_FILENO) != 0) {
        self.interactive = interactive
    }

    /// Records drained per second over the last 10 seconds (0 when not going down).
    var rate: Double {
        guard let last = samples.last, let first = samples.first(where: { last.time - $0.time <= 10 }),
              last.time > first.time else { return 0 }
        return max(0, Double(first.backlog - last.backlog) / (last.time - first.time))
    }

    mutating func update(backlog: Int64, status: String, now: Double = Date().timeIntervalSince1970) {
        peak = max(peak, backlog)
        samples.append((now, backlog))
        samples.removeAll { now - $0.time > 30 }
        let line = render(backlog: backlog, status: status)
        if interactive {
            FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
        } else if now - lastPrinted >= 5 || backlog == 0 {
            FileHandle.standardError.write(Data("\(line)\n".utf8))
            lastPrinted = now
        }
    }

    func finish(_ message: String) {
        FileHandle.standardError.write(Data(((interactive ? "\r\u{1B}[K" : "") + message + "\n").utf8))
    }

    func render(backlog: Int64, status: String) -> String {
        let done = peak > 0 ? Double(peak - backlog) / Double(peak) : 1
        let filled = Int((done * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let percent = Int((done * 100).rounded(.down))
        let rate = self.rate
        let eta = backlog == 0 ? "0:00" : rate > 0 ? NumberText.duration(Double(backlog) / rate) : "--:--"
        return "[\(bar)] \(percent)%  backlog \(NumberText.grouped(backlog))  \(String(format: "%.0f", rate)) rec/s  ETA \(eta)  \(status)"
    }
}
