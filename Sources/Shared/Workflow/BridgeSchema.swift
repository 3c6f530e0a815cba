/// Creates the product's own schema (`crmbridge`: workflows, heartbeats, options,
/// rejects…) and Campaign's tables when the database has no `crmbridge` schema yet.
/// What the control service runs at start until `CampaignSchema.migrations` does it.
public enum BridgeSchema {
    public static func createIfMissing(on database: any PostgresQueryable) async throws {
        let rows = try await database.query("SELECT to_regclass('crmbridge.workflows') IS NOT NULL AS present", [])
        guard try rows.bool(0, "present") != true else { return }
        try await database.atomically { tx in
            // Two services starting at once: the second waits, then finds the schema.
            _ = try await tx.query("SELECT pg_advisory_xact_lock(7240001)", [])
            let again = try await tx.query("SELECT to_regclass('crmbridge.workflows') IS NOT NULL AS present", [])
            guard try again.bool(0, "present") != true else { return }
            try await tx.executeScript(CampaignSchemaSQL.bridgeSchema)
            try await tx.executeScript(CampaignSchemaSQL.campaignTables)
        }
    }
}
