extension EntityConfig {
    /// The profiles columns that belong to opt-in-out (its flag, the flag's time and the
    /// stamp its triggers set). crm-to-campaign must never write them: the two workflows
    /// would fight over the column, and opt-in-out's conflict rule would be bypassed.
    static let optOutColumns: Set<String> = ["blocklisted", "blocklisted_at", "crmbridge_optout_xid"]

    /// Why crm-to-campaign may not write `column` of `table`, or nil when it may.
    static func optOutColumnProblem(table: String?, column: String?) -> String? {
        guard let table, let column, optOutColumns.contains(column.lowercased()),
              table.split(separator: ".").last.map({ $0.lowercased() }) == "profiles" else {
            return nil
        }
        return "column \"\(column)\" of \(table) belongs to the opt-in-out workflow (the opt-out flag, its time and "
            + "stamp are written by it alone, with its conflict rule); crm-to-campaign must not map onto it"
    }
}
