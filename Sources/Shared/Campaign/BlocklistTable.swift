import PostgresBridge

/// Campaign's opt-out columns as opt-in-out sees them (SPEC §2.3): a boolean
/// (`profiles.blocklisted`), its own change time (`blocklisted_at`), the CRM id that
/// matches a profile to its contact (`crm_id`), and a transaction stamp that the
/// reader reads below the horizon of transactions in flight, like campaign-to-crm's
/// `email_events` (docs/opt-in-out.md).
///
/// The stamp is set by triggers, not a default: a profile's flag is updated, not
/// inserted. They stamp a row only when the flag or its time changes (their `WHEN`
/// runs no function otherwise), so crm-to-campaign's upserts of the other columns
/// never look like an opt-out change and cost next to nothing.
public struct BlocklistTable: Sendable {
    /// The stamp column the table needs.
    public static let stampColumn = "crmbridge_optout_xid"
    public static let triggerName = "crmbridge_optout_stamp"

    public let table: PostgresIdentifier
    public let idColumn: String
    public let flagColumn: String
    public let timeColumn: String

    /// Names from the configuration (`profiles`, `crm_id`, `blocklisted`, `blocklisted_at`), validated.
    public init(table: String, idColumn: String, flagColumn: String, timeColumn: String) throws {
        self.table = try PostgresIdentifier(validating: table)
        for column in [idColumn, flagColumn, timeColumn] { try PostgresIdentifier.validate(column) }
        self.idColumn = idColumn
        self.flagColumn = flagColumn
        self.timeColumn = timeColumn
    }

    var id: String { PostgresIdentifier.quote(idColumn) }
    var flag: String { PostgresIdentifier.quote(flagColumn) }
    var time: String { PostgresIdentifier.quote(timeColumn) }
    var stamp: String { PostgresIdentifier.quote(Self.stampColumn) }
    var function: String { PostgresIdentifier(Self.triggerName + "_" + table.name, schema: table.schema).quoted }

    /// The one-time DDL an operator runs on the table (the demo schema runs it too):
    /// a nullable column (no rewrite), the stamping trigger and the reader's index.
    public var stampDDL: String {
        """
        ALTER TABLE \(table.quoted) ADD COLUMN IF NOT EXISTS \(stamp) xid8;
        CREATE OR REPLACE FUNCTION \(function)() RETURNS trigger LANGUAGE plpgsql AS $crmbridge$
        BEGIN NEW.\(stamp) := pg_current_xact_id(); RETURN NEW; END $crmbridge$;
        CREATE OR REPLACE TRIGGER \(Self.triggerName)_insert BEFORE INSERT ON \(table.quoted) FOR EACH ROW
            WHEN (NEW.\(flag) OR NEW.\(time) IS NOT NULL) EXECUTE FUNCTION \(function)();
        CREATE OR REPLACE TRIGGER \(Self.triggerName)_update BEFORE UPDATE OF \(flag), \(time) ON \(table.quoted) FOR EACH ROW
            WHEN (OLD.\(flag) IS DISTINCT FROM NEW.\(flag) OR OLD.\(time) IS DISTINCT FROM NEW.\(time)) EXECUTE FUNCTION \(function)();
        CREATE INDEX IF NOT EXISTS \(PostgresIdentifier.quote(table.name + "_" + Self.stampColumn)) ON \(table.quoted) (\(stamp), \(id));
        """
    }

    /// Checks the columns (id, boolean flag, its time, the `xid8` stamp) and the trigger;
    /// a mismatch names what is wrong and what to run.
    public func checkSchema(on database: any PostgresQueryable) async throws {
        guard let schema = try await CampaignTableSchema.read(table, from: database) else {
            throw CampaignSchemaMismatch("opt-in-out: table \(table) does not exist")
        }
        let missing = [idColumn, flagColumn, timeColumn].filter { schema.columnTypes[$0] == nil }
        if !missing.isEmpty {
            throw CampaignSchemaMismatch("opt-in-out: table \(table) lacks column(s) \(missing.joined(separator: ", "))")
        }
        if let type = schema.columnTypes[flagColumn], type != "boolean" {
            throw CampaignSchemaMismatch("opt-in-out: column \(table).\(flagColumn) has type \(type), not boolean")
        }
        if let type = schema.columnTypes[timeColumn], !type.hasPrefix("timestamp") {
            throw CampaignSchemaMismatch("opt-in-out: column \(table).\(timeColumn) has type \(type), not timestamptz")
        }
        let oneLine = stampDDL.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        guard schema.columnTypes[Self.stampColumn] == "xid8" else {
            let found = schema.columnTypes[Self.stampColumn].map { "has type \($0), not xid8" } ?? "is missing"
            throw CampaignSchemaMismatch(
                "opt-in-out: column \(table).\(Self.stampColumn) \(found); it stamps each opt-out change with its transaction so a late commit is never skipped. Run once: \(oneLine)")
        }
        let rows = try await database.query(
            "SELECT count(*) AS n FROM pg_trigger WHERE tgrelid = to_regclass($1) AND tgname IN ($2 || '_insert', $2 || '_update') AND tgenabled <> 'D'",
            [table.quoted, Self.triggerName])
        guard try rows.int(0, "n") == 2 else {
            throw CampaignSchemaMismatch(
                "opt-in-out: table \(table) lacks the enabled triggers \(Self.triggerName)_insert and _update, so opt-out changes are not stamped. Run once: \(oneLine)")
        }
    }
}
