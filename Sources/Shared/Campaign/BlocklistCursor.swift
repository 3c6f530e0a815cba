/// Where the Campaign opt-out reader stopped: the transaction stamp and CRM id of the
/// last row it passed (rows are read in `(stamp, crm id)` order). Kept as the option
/// `LASTEXPORT_<instance>_opt-in-out_from-campaign`, valued `<stamp>:<crm id>`
/// (e.g. `7412:0b9e3f4c-…`); `0:` reads from the first stamped row.
public struct BlocklistCursor: Sendable, Hashable, CustomStringConvertible {
    public static let start = BlocklistCursor(xid: 0, crmID: "")

    public var xid: UInt64
    public var crmID: String

    public init(xid: UInt64, crmID: String) {
        self.xid = xid
        self.crmID = crmID
    }

    /// `LASTEXPORT_demo_opt-in-out_from-campaign`.
    public static func optionName(instance: String) -> String {
        EmailEventCursor.optionPrefix + instance + "_opt-in-out_from-campaign"
    }

    public var description: String { "\(xid):\(crmID)" }

    /// Parses `<stamp>:<crm id>`; an error names the expected form.
    public static func parse(_ text: String) -> Result<BlocklistCursor, EmailEventCursorError> {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let xid = UInt64(parts[0]) else {
            let shown = text.count > 60 ? String(text.prefix(60)) + "…" : text
            return .failure(EmailEventCursorError(
                "\"\(shown)\" is not an opt-out cursor; expected <transaction stamp>:<crm id>, e.g. 7412:0b9e3f4c-1d2e-4f60-8a7b-9c0d1e2f3a4b (0: = from the start)"))
        }
        return .success(BlocklistCursor(xid: xid, crmID: String(parts[1])))
    }
}
