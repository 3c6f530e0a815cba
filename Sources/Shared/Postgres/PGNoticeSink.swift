import CLibPQ
import Logging

/// Routes server notices (NOTICE, WARNING, the FATAL sent before a restart) to swift-log
/// instead of libpq's default of printing them on stderr.
final class PGNoticeSink: @unchecked Sendable {
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    func receive(_ result: OpaquePointer) {
        let severity = PQresultErrorField(result, Int32(UInt8(ascii: "V"))).map { String(cString: $0) } ?? "NOTICE"
        let message = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) } ?? ""
        let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
        let safeMessage = PostgresError.redactedServerMessage(message, sqlState: sqlState)
        let metadata: Logger.Metadata = ["postgres.severity": "\(severity)", "postgres.sqlstate": "\(sqlState ?? "")"]
        switch severity {
        case "WARNING", "ERROR", "FATAL", "PANIC":
            logger.warning("PostgreSQL: \(safeMessage)", metadata: metadata)
        default:
            logger.debug("PostgreSQL: \(safeMessage)", metadata: metadata)
        }
    }
}
