import CoreValues
import Logging
import PostgresBridge

/// The demo's and the tests' Campaign tables: `profiles`, `email_events`, `memberships`.
/// A customer's Campaign database has its own tables, so production never creates these:
/// `make run`, the tests and the benchmark do (`crmbridge demo-schema`). Every statement
/// is idempotent, so it runs again safely on every start.
public enum CampaignDemoSchema {
    public static func create(on database: some PostgresQueryable) async throws {
        try await database.executeScript(tables + "\n" + membershipsPointsAndCreated + "\n" + emailEventsStamp + "\n" + profilesBlocklistStamp)
    }

    public static func create(databaseURL: Secret, logger: Logger) async throws {
        let database = try await PostgresConnection.connect(url: databaseURL, logger: logger)
        do {
            try await create(on: database)
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }

    /// Campaign's own tables that the workflows read and write.
    static let tables = """
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

    /// The transaction stamp campaign-to-crm reads below the horizon of transactions in
    /// flight (`EmailEventSource`): the same one-time DDL a customer runs on their table.
    static let emailEventsStamp = EmailEventSource(table: PostgresIdentifier("email_events")).stampDDL

    /// The transaction stamp opt-in-out reads profiles' opt-out changes below
    /// (`BlocklistSource`): the same one-time DDL a customer runs (docs/opt-in-out.md).
    static let profilesBlocklistStamp = (try? BlocklistTable(
        table: "profiles", idColumn: "crm_id", flagColumn: "blocklisted", timeColumn: "blocklisted_at"))?.stampDDL ?? ""

    /// The demo custom entity as both CRMs have it: Salesforce's `CRMB_Points__c`, and
    /// the record's creation time (Dynamics `createdon`, Salesforce `CreatedDate`).
    static let membershipsPointsAndCreated = """
        ALTER TABLE memberships
            ADD COLUMN IF NOT EXISTS points double precision,
            ADD COLUMN IF NOT EXISTS crm_created_at timestamptz;
        """
}
