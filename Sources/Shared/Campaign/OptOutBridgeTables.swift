import PostgresBridge

/// opt-in-out's own state in the `crmbridge` schema (created by the bridge schema's
/// migration 6, `BridgeSchemaSQL.optOutSyncState`):
///
/// - `optout_sync_xids`: the transactions in which opt-in-out's Campaign writer applied
///   CRM changes. A row stamped by one of them was written by the sync: the Campaign
///   reader skips it (no echo) and the writer knows its value came from the CRM.
/// - `optout_crm_writes`: per CRM record, the value opt-in-out last wrote there, the
///   Campaign time of the change it carried, and the CRM's last-modified time after the
///   write, so the CRM reader can recognise its own write (no echo) and the writer can
///   compare a new Campaign change with the time the CRM value really has.
/// - `optout_crm_republish`: contacts whose CRM value won over a Campaign change; the
///   CRM reader publishes their current value once more, so Campaign ends with it too.
public enum OptOutBridgeTables {
    /// Forgets sync transactions older than a week (their rows were read long ago).
    public static func prepare(on database: any PostgresQueryable) async throws {
        try await database.execute("DELETE FROM crmbridge.optout_sync_xids WHERE written_at < now() - interval '7 days'", [])
    }
}
