import Logging
import Synchronization

/// Keeps every line logged through its loggers (message and metadata), so a test can
/// search what an operator would read.
final class LogRecorder: Sendable {
    private let lines = Mutex<[String]>([])

    /// Everything logged so far, one line per event.
    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    /// A logger at `trace` level whose lines go here.
    func logger(_ label: String) -> Logger {
        var logger = Logger(label: label) { _ in Handler(recorder: self) }
        logger.logLevel = .trace
        return logger
    }

    private func record(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
            recorder.record("\(event.level) \(event.message) \(all)")
        }
    }
}
