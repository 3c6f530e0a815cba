/// The SQL of the Campaign database's migrations, in order. Applied by
/// `CampaignSchema.migrations`; never edit a shipped step, add a new one.
enum CampaignSchemaSQL {
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

    /// Campaign's own tables that the workflows read and write.
    static let campaignTables = """
        CREATE TABLE IF NOT EXISTS profiles (
            id               bigserial PRIMARY KEY,
            crm_id           text UNIQUE,
            first_name       text,
            last_name        text,
            email            text,
            phone            text,
            birth_date       date,
            crm_created_at   timestamptz,
            crm_state        text,
            blocklisted      boolean NOT NULL DEFAULT false,
            blocklisted_at   timestamptz,
            crm_modified_at  timestamptz,
            crm_deleted      boolean NOT NULL DEFAULT false,
            updated_at       timestamptz NOT NULL DEFAULT now()
        );

        CREATE TABLE IF NOT EXISTS email_events (
            id             bigint PRIMARY KEY,
            event_type     text NOT NULL CHECK (event_type IN ('send', 'open', 'click', 'bounce')),
            crm_id         text NOT NULL,
            occurred_at    timestamptz NOT NULL,
            campaign_name  text,
            delivery_name  text,
            url            text,
            bounce_type    text
        );
        CREATE INDEX IF NOT EXISTS email_events_occurred ON email_events (occurred_at, id);

        -- The demo's custom entity (Dynamics crmb_membership, Salesforce CRMB_Membership__c).
        CREATE TABLE IF NOT EXISTS memberships (
            crm_id           text PRIMARY KEY,
            name             varchar(100),
            level            text,
            start_date       date,
            end_date         date,
            active           boolean,
            fee              numeric(19, 4),
            contact_crm_id   text,
            crm_modified_at  timestamptz,
            crm_deleted      boolean NOT NULL DEFAULT false
        );
        """

    /// The demo custom entity as both CRMs have it: Salesforce's `CRMB_Points__c`, and
    /// the record's creation time (Dynamics `createdon`, Salesforce `CreatedDate`).
    static let membershipsPointsAndCreated = """
        ALTER TABLE memberships
            ADD COLUMN IF NOT EXISTS points double precision,
            ADD COLUMN IF NOT EXISTS crm_created_at timestamptz;
        """

    /// A message re-delivered after a crash is rejected again: one row per message.
    static let rejectsOncePerMessage = """
        CREATE UNIQUE INDEX IF NOT EXISTS rejects_once_per_message
            ON crmbridge.rejects (workflow, topic, kafka_partition, kafka_offset)
            WHERE kafka_offset IS NOT NULL;
        """
}
