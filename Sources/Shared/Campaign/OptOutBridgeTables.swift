import PostgresBridge

/// opt-in-out's own state in the `crmbridge` schema, created by its roles at start
/// (idempotent, additive):
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
    public static let ddl = """
        CREATE SCHEMA IF NOT EXISTS crmbridge;
        CREATE TABLE IF NOT EXISTS crmbridge.optout_sync_xids (
            xid         xid8 PRIMARY KEY,
            written_at  timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE IF NOT EXISTS crmbridge.optout_crm_writes (
            crm_id           text PRIMARY KEY,
            value            boolean NOT NULL,
            source_time      timestamptz NOT NULL,
            crm_modified_at  timestamptz,
            intended_at      timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE IF NOT EXISTS crmbridge.optout_crm_republish (
            crm_id    text PRIMARY KEY,
            asked_at  timestamptz NOT NULL DEFAULT now()
        );
        """

    /// Creates the tables when missing and forgets sync transactions older than a week
    /// (their rows were read long ago).
    public static func prepare(on database: any PostgresQueryable) async throws {
        try await database.executeScript(ddl)
        try await database.execute("DELETE FROM crmbridge.optout_sync_xids WHERE written_at < now() - interval '7 days'", [])
    }
}
