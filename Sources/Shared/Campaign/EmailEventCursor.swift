/// Where the email-event reader stopped: the transaction stamp and id of the last row
/// it published (rows are read in `(stamp, id)` order). Kept as the operator-visible
/// option `LASTEXPORT_<instance>_campaign-to-crm_email-events`, valued `<stamp>:<id>`
/// (e.g. `7412:1200345`); `0:0` reads the table from its first stamped row.
public struct EmailEventCursor: Sendable, Hashable, CustomStringConvertible {
    public static let optionPrefix = "LASTEXPORT_"
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
        optionPrefix + instance + "_campaign-to-crm_email-events"
    }

    public var description: String { "\(xid):\(id)" }

    /// Parses `<stamp>:<id>` (two non-negative integers); an error names the expected form.
    public static func parse(_ text: String) -> Result<EmailEventCursor, EmailEventCursorError> {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let xid = UInt64(parts[0]), let id = Int64(parts[1]), id >= 0 else {
            let shown = text.count > 60 ? String(text.prefix(60)) + "…" : text
            return .failure(EmailEventCursorError(
                "\"\(shown)\" is not an email-event cursor; expected <transaction stamp>:<event id>, e.g. 7412:1200345 (0:0 = from the start)"))
        }
        return .success(EmailEventCursor(xid: xid, id: id))
    }
}

public struct EmailEventCursorError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
