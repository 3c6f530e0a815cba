import Config

/// Where the email-event reader stopped: the transaction stamp and id of the last row
/// it published (rows are read in `(stamp, id)` order). Kept as the operator-visible
/// option `LASTEXPORT_<instance>_campaign-to-crm_email-events`, valued `<stamp>:<id>`
/// (e.g. `7412:1200345`); `0:0` reads the table from its first stamped row.
public struct EmailEventCursor: Sendable, Hashable, CustomStringConvertible {
    public static let optionPrefix = LastExportOption.prefix
    public static let start = EmailEventCursor(xid: 0, id: 0)

    /// The `xid8` stamp (`pg_current_xact_id()`) of the row's inserting transaction.
    public var xid: UInt64
    public var id: Int64

    public init(xid: UInt64, id: Int64) {
        self.xid = xid
        self.id = id
    }

    /// `LASTEXPORT_demo_campaign-to-crm_email-events`.
    public static func optionName(instance: String) -> String {
        LastExportOption.name(instance: instance, source: LastExportOption.emailEvents)
    }

    public var description: String { "\(xid):\(id)" }

    /// Parses `<stamp>:<id>` (two non-negative integers, `LastExportOption`'s rule, the
    /// one the API and the CLI validate with); an error names the expected form.
    public static func parse(_ text: String) -> Result<EmailEventCursor, EmailEventCursorError> {
        switch LastExportOption.parse(text) {
        case .success(let value): return .success(EmailEventCursor(xid: value.stamp, id: value.id))
        case .failure(let error): return .failure(EmailEventCursorError(error.message))
        }
    }
}

public struct EmailEventCursorError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
