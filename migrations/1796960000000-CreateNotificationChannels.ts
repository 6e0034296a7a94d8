// Notification channels (issue 17): a clinic's e-mail, PagerDuty and Opsgenie integrations with their secret encrypted or referenced,
// pages through them, and the incident each alert opened at PagerDuty or Opsgenie (acknowledged and resolved as the alert changes).
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateNotificationChannels1796960000000 implements MigrationInterface {
  name = 'CreateNotificationChannels1796960000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The secret is either AES-256-GCM ciphertext (key from PUMPWATCH_SECRETS_KEY) or the name of an environment variable, never
    // plain. link_secret derives the acknowledge-link tokens of the channel's pages (as a webhook's secret does). Disabled, never
    // deleted: pages keep naming the channel they went through.
    await queryRunner.query(`
      CREATE TABLE notification_channels (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        clinic_id uuid NOT NULL REFERENCES clinics(id),
        kind text NOT NULL CHECK (kind IN ('email', 'pagerduty', 'opsgenie')),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        levels text[] NOT NULL CHECK (cardinality(levels) >= 1 AND levels <@ ARRAY['on_call', 'backup', 'clinic_admins']),
        smtp jsonb,
        secret_ciphertext text CHECK (secret_ciphertext LIKE 'v1.%'),
        secret_env_name text CHECK (secret_env_name ~ '^[A-Z_][A-Z0-9_]*$'),
        secret_last_four text CHECK (length(secret_last_four) <= 4),
        link_secret text NOT NULL CHECK (length(link_secret) >= 32),
        active boolean NOT NULL DEFAULT true,
        created_by_user_id uuid REFERENCES users(id),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        disabled_at timestamptz,
        CONSTRAINT notification_channels_disabled_check CHECK (active = (disabled_at IS NULL)),
        CONSTRAINT notification_channels_one_secret_check CHECK (secret_ciphertext IS NULL OR secret_env_name IS NULL),
        CONSTRAINT notification_channels_smtp_check CHECK ((kind = 'email') = (smtp IS NOT NULL)),
        CONSTRAINT notification_channels_secret_check CHECK (kind = 'email' OR secret_ciphertext IS NOT NULL OR secret_env_name IS NOT NULL)
      )`);
    await queryRunner.query(`CREATE INDEX notification_channels_clinic_id_idx ON notification_channels (clinic_id)`);

    await queryRunner.query(`ALTER TABLE pages DROP CONSTRAINT pages_notifier_check`);
    await queryRunner.query(`ALTER TABLE pages ADD CONSTRAINT pages_notifier_check
      CHECK (notifier IN ('in_app', 'webhook', 'email', 'pagerduty', 'opsgenie', 'none'))`);
    await queryRunner.query(`ALTER TABLE pages ADD COLUMN notification_channel_id uuid REFERENCES notification_channels(id)`);
    await queryRunner.query(`ALTER TABLE pages ADD CONSTRAINT pages_notification_channel_check
      CHECK ((notifier IN ('email', 'pagerduty', 'opsgenie')) = (notification_channel_id IS NOT NULL))`);
    // One page per step, recipient and channel, the channel now including a notification channel.
    await queryRunner.query(`DROP INDEX pages_one_per_step_recipient_channel`);
    await queryRunner.query(`
      CREATE UNIQUE INDEX pages_one_per_step_recipient_channel
        ON pages (alert_id, episode, step, notifier, webhook_endpoint_id, notification_channel_id, recipient_clinician_id, recipient_user_id)
        NULLS NOT DISTINCT`);

    // The incident an alert opened through a PagerDuty or Opsgenie channel and what PumpWatch last told the service of it. The
    // paging sweep sends acknowledge and resolve when the alert gets there; a lease (next_sync_at) keeps two instances apart.
    await queryRunner.query(`
      CREATE TABLE notification_incidents (
        channel_id uuid NOT NULL REFERENCES notification_channels(id),
        alert_id uuid NOT NULL REFERENCES alerts(id),
        clinic_id uuid NOT NULL REFERENCES clinics(id),
        external_key text NOT NULL CHECK (length(external_key) BETWEEN 1 AND 255),
        state text NOT NULL CHECK (state IN ('triggered', 'acknowledged', 'resolved')),
        sync_attempts integer NOT NULL DEFAULT 0 CHECK (sync_attempts >= 0),
        next_sync_at timestamptz,
        last_error text,
        sync_failed_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (channel_id, alert_id)
      )`);
    await queryRunner.query(`CREATE INDEX notification_incidents_open_idx ON notification_incidents (alert_id) WHERE state <> 'resolved'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE notification_incidents`);
    await queryRunner.query(`DROP INDEX pages_one_per_step_recipient_channel`);
    await queryRunner.query(`
      CREATE UNIQUE INDEX pages_one_per_step_recipient_channel
        ON pages (alert_id, episode, step, notifier, webhook_endpoint_id, recipient_clinician_id, recipient_user_id) NULLS NOT DISTINCT`);
    await queryRunner.query(`ALTER TABLE pages DROP CONSTRAINT pages_notification_channel_check`);
    await queryRunner.query(`ALTER TABLE pages DROP COLUMN notification_channel_id`);
    await queryRunner.query(`ALTER TABLE pages DROP CONSTRAINT pages_notifier_check`);
    await queryRunner.query(`ALTER TABLE pages ADD CONSTRAINT pages_notifier_check CHECK (notifier IN ('in_app', 'webhook', 'none'))`);
    await queryRunner.query(`DROP TABLE notification_channels`);
  }
}
