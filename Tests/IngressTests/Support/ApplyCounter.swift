import TestSupport

/// Counts every row change the writer makes to `profiles`: an AFTER INSERT OR UPDATE
/// trigger adds one per row actually written. A record applied twice (an update that
/// changed nothing counts too) shows as 2, so "nothing applied twice" can fail.
enum ApplyCounter {
    static let sql = """
        CREATE TABLE apply_log (crm_id text PRIMARY KEY, applied integer NOT NULL);
        CREATE FUNCTION count_apply() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO apply_log VALUES (NEW.crm_id, 1)
                ON CONFLICT (crm_id) DO UPDATE SET applied = apply_log.applied + 1;
            RETURN NULL;
        END $$;
        CREATE TRIGGER profiles_applied AFTER INSERT OR UPDATE ON profiles
            FOR EACH ROW EXECUTE FUNCTION count_apply();
        """

    struct Totals: Sendable, Equatable {
        var records: Int
        var applications: Int
        var most: Int
    }

    static func totals(_ stack: TestStack) async throws -> Totals {
        let rows = try await stack.query(
            "SELECT count(*) AS records, coalesce(sum(applied), 0) AS applications, coalesce(max(applied), 0) AS most FROM apply_log")
        return Totals(records: Int(rows[0, "records"] ?? "") ?? -1, applications: Int(rows[0, "applications"] ?? "") ?? -1,
                      most: Int(rows[0, "most"] ?? "") ?? -1)
    }
}
