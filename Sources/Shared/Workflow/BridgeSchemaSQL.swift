/// The SQL of the bridge's own schema (`crmbridge.*`), in order. Applied by
/// `BridgeSchema.migrations`; never edit a shipped step, add a new one. Versions 2 and 3
/// once created the demo's Campaign tables; those now belong to `CampaignDemoSchema`,
/// and their numbers stay unused so that a database migrated before keeps its history.
enum BridgeSchemaSQL {
    /// The product's own bookkeeping: options, rejects, workflow state, heartbeats.
    static let bridgeSchema = """
        CREATE SCHEMA IF NOT EXISTS crmbridge;

        -- Operator-visible options, among them LASTIMPORT_<instance>_<workflow>_<entity>
        -- (value yyyy/MM/dd HH:mm:ss, UTC).
        CREATE TABLE crmbridge.options (
            name        text PRIMARY KEY,
            value       text NOT NULL,
            updated_at  timestamptz NOT NULL DEFAULT now()
        );

        -- Connector state that is not for operators: Dynamics delta links, the end of
        -- the last deleted-records window, resync requests.
        CREATE TABLE crmbridge.connector_state (
            workflow    text NOT NULL,
            entity      text NOT NULL,
            key         text NOT NULL,
            value       text NOT NULL,
            updated_at  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (workflow, entity, key)
        );

        -- Records a writer could not apply, and records a CRM refused.
        CREATE TABLE crmbridge.rejects (
            id             bigserial PRIMARY KEY,
            workflow       text NOT NULL,
            entity         text,
            record_id      text,
            error_symbol   text NOT NULL,
            error_message  text NOT NULL,
            topic          text,
            kafka_partition integer,
            kafka_offset   bigint,
            created_at     timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX rejects_workflow_created ON crmbridge.rejects (workflow, created_at DESC);

        -- One row per workflow: the edited config and its version, what runs, what
        -- the operator asked for.
        CREATE TABLE crmbridge.workflows (
            name             text PRIMARY KEY,
            edited_config    text NOT NULL,
            edited_version   integer NOT NULL,
            running_version  integer,
            desired_state    text NOT NULL DEFAULT 'stopped' CHECK (desired_state IN ('running', 'stopped')),
            started_at       timestamptz,
            updated_at       timestamptz NOT NULL DEFAULT now()
        );

        -- Every saved version, so a role can load the one it was started with.
        CREATE TABLE crmbridge.workflow_configs (
            workflow    text NOT NULL REFERENCES crmbridge.workflows (name),
            version     integer NOT NULL,
            config      text NOT NULL,
            created_at  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (workflow, version)
        );

        -- Role processes report here every second.
        CREATE TABLE crmbridge.role_heartbeats (
            workflow        text NOT NULL,
            role            text NOT NULL,
            instance        text NOT NULL,
            state           text NOT NULL,
            config_version  integer,
            last_error      text,
            detail          jsonb NOT NULL DEFAULT '{}',
            heartbeat_at    timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (workflow, role, instance)
        );

        -- Deleted CRM records, so a replayed older upsert never brings a row back.
        CREATE TABLE crmbridge.tombstones (
            target_table  text NOT NULL,
            crm_id        text NOT NULL,
            deleted_at    timestamptz NOT NULL,
            PRIMARY KEY (target_table, crm_id)
        );
        """

    /// A message re-delivered after a crash is rejected again: one row per message.
    static let rejectsOncePerMessage = """
        CREATE UNIQUE INDEX IF NOT EXISTS rejects_once_per_message
            ON crmbridge.rejects (workflow, topic, kafka_partition, kafka_offset)
            WHERE kafka_offset IS NOT NULL;
        """

    /// The ids a full load saw, so the rows of Campaign it did not see can be found with
    /// an anti-join in keyset pages instead of a set in the reader's memory
    /// (docs/crm-to-campaign.md, "Deletes after a full load"). Both tables are UNLOGGED:
    /// they are rebuilt by the next full load, so writing them costs no WAL. A server
    /// crash empties every unlogged table together, so a load whose `full_loads` row is
    /// gone is known to be incomplete, and its reconciliation refuses to run. Load ids
    /// come from a logged sequence, so they are never reused after such a crash. Deleting
    /// a load's row deletes its ids (and makes a late insert for it fail).
    static let fullLoadLedger = """
        CREATE SEQUENCE crmbridge.full_load_ids;

        CREATE UNLOGGED TABLE crmbridge.full_loads (
            load_id     bigint PRIMARY KEY,
            entity      text NOT NULL,
            started_at  timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX full_loads_entity ON crmbridge.full_loads (entity);

        CREATE UNLOGGED TABLE crmbridge.load_seen (
            load_id  bigint NOT NULL REFERENCES crmbridge.full_loads (load_id) ON DELETE CASCADE,
            crm_id   text NOT NULL,
            PRIMARY KEY (load_id, crm_id)
        );
        """

    /// The full-load ledger keeps each load's ids in a table of its own,
    /// `crmbridge.load_seen_<load id>`, created by `FullLoadLedger.begin` without an index
    /// and dropped by `finish` or by the entity's next load: the shared `load_seen` of
    /// migration 5 maintained a primary key on random ids for every id read, which cost
    /// PostgreSQL more than the append and grew with the table (docs/performance.md).
    static let fullLoadLedgerPerLoad = """
        DROP TABLE IF EXISTS crmbridge.load_seen;
        """

    /// opt-in-out's own state (`OptOutBridgeTables` says what each table is for). In a
    /// migration, not created by the roles at start: three roles starting at once raced
    /// on `CREATE TABLE IF NOT EXISTS` (a unique violation on `pg_type`).
    static let optOutSyncState = """
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

    /// The CRM's per-write stamp of opt-in-out's own writes (Dynamics `versionnumber`,
    /// Salesforce `LastModifiedById`): the last-modified time has whole seconds, so a
    /// person's edit in the same second as the sync's write would otherwise pass for it.
    static let optOutWriteStamps = """
        ALTER TABLE crmbridge.optout_crm_writes ADD COLUMN IF NOT EXISTS crm_stamp text;
        """

    /// opt-in-out's previous confirmed CRM write of a contact, kept while the next one is
    /// only intended: until that one lands, the CRM still shows the previous write, which
    /// must not pass for a CRM change (`OptOutEchoLedger`).
    static let optOutPreviousWrites = """
        ALTER TABLE crmbridge.optout_crm_writes
            ADD COLUMN IF NOT EXISTS prev_value boolean,
            ADD COLUMN IF NOT EXISTS prev_source_time timestamptz,
            ADD COLUMN IF NOT EXISTS prev_crm_modified_at timestamptz,
            ADD COLUMN IF NOT EXISTS prev_crm_stamp text;
        """
}
