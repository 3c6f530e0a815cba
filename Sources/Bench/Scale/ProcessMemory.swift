import Foundation

/// Resident memory of the stack's processes, read from `/proc`. A single process is its
/// `VmRSS`; PostgreSQL is the postmaster with every backend, counted as the sum of their
/// `Pss` (`smaps_rollup`): each backend maps the same shared buffers, so a sum of `VmRSS`
/// would count them once per backend.
enum ProcessMemory {
    /// Current resident bytes of `pid` (`VmRSS`), nil when it is gone.
    static func resident(_ pid: Int32) -> Int? {
        ChildProcess.status(pid: pid, field: "VmRSS")
    }

    /// Peak resident bytes of `pid` (`VmHWM`), nil when it is gone.
    static func peak(_ pid: Int32) -> Int? {
        ChildProcess.status(pid: pid, field: "VmHWM")
    }

    /// Proportional set size of `pid` and its direct children (PostgreSQL's backends), in
    /// bytes; falls back to `VmRSS` for a process whose `smaps_rollup` cannot be read.
    static func treeProportional(_ pid: Int32) -> Int {
        ([pid] + children(of: pid)).reduce(0) { total, process in
            total + (proportional(process) ?? resident(process) ?? 0)
        }
    }

    /// `Pss` of `smaps_rollup`, in bytes.
    static func proportional(_ pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("Pss:") {
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }.map { $0 * 1024 }
        }
        return nil
    }

    static func children(of pid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> Int32? in
            guard let child = Int32(entry), child != pid,
                  let text = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8),
                  let close = text.lastIndex(of: ")") else { return nil }
            let fields = text[text.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == pid ? child : nil
        }
    }
}
