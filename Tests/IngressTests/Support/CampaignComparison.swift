import TestSupport

/// Campaign compared with the CRM, field for field: every live CRM record has its row
/// with the same values (same text, same instant, same number), and Campaign has no
/// live row the CRM does not have.
struct CampaignComparison: Sendable {
    var crmCount = 0
    var campaignCount = 0
    var problems: [String] = []
    var problemCount = 0

    var isEqual: Bool { problemCount == 0 && crmCount == campaignCount }

    /// What the CRM holds of the entity's mapped fields: id → remote field → value.
    static func crmRecords(_ stack: TestStack, _ entity: TestEntity) async throws -> [String: [String: TestJSON]] {
        let remotes = entity.fields.map(\.remote) + [entity.modifiedField]
        return try await stack.crmAPI.records(entity.remoteObject, idField: entity.remoteId, fields: Array(Set(remotes)))
    }

    /// Live rows of the entity's table.
    static func campaignCount(_ stack: TestStack, _ entity: TestEntity) async throws -> Int {
        try await stack.count("SELECT count(*) FROM \(entity.table)" + (entity.softDeleteColumn.map { " WHERE NOT \($0)" } ?? ""))
    }

    static func compare(_ stack: TestStack, _ entity: TestEntity, crm given: [String: [String: TestJSON]]? = nil) async throws -> CampaignComparison {
        let remotes = entity.fields.map(\.remote) + [entity.modifiedField]
        let crm: [String: [String: TestJSON]]
        if let given { crm = given } else { crm = try await crmRecords(stack, entity) }
        let columns = entity.fields.map(\.column) + ["crm_modified_at"]
        let live = entity.softDeleteColumn.map { " WHERE NOT \($0)" } ?? ""
        let select = "SELECT crm_id, " + columns.map { "\($0)::text AS \($0)" }.joined(separator: ", ") + " FROM \(entity.table)\(live)"
        let rows = try await stack.query(select)
        var result = CampaignComparison(crmCount: crm.count, campaignCount: rows.rowCount)
        var seen = Set<String>()
        for row in rows {
            let id = row["crm_id"] ?? ""
            seen.insert(id)
            guard let record = crm[id] else {
                result.problem("\(entity.table) row \(id) is not a live CRM record")
                continue
            }
            for (remote, column) in zip(remotes, columns) {
                let value = record[remote] ?? .null
                if !value.matches(campaign: row[column]) {
                    result.problem("\(id): \(remote) = \(value) in the CRM, \(column) = \(row[column] ?? "NULL") in Campaign")
                }
            }
        }
        for id in crm.keys where !seen.contains(id) {
            result.problem("CRM record \(id) has no row in \(entity.table)")
        }
        return result
    }

    private mutating func problem(_ text: String) {
        problemCount += 1
        if problems.count < 5 { problems.append(text) }
    }
}
