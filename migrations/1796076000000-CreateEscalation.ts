// Paging and escalation: one escalation row per alert that pages (its next deadline), every page with its outcome, the clinics'
// webhook endpoints and the single-use acknowledge links carried by webhook pages.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateEscalation1796076000000 implements MigrationInterface {
  name = 'CreateEscalation1796076000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The secret signs every page (HMAC), so it is stored as is; the API shows it once, at creation. Disabled, never deleted:
    // pages keep naming the endpoint they went to.
    await queryRunner.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        clinic_id uuid NOT NULL REFERENCES clinics(id),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        url text NOT NULL CHECK (url ~ '^https?://'),
        secret text NOT NULL CHECK (length(secret) >= 32),
        active boolean NOT NULL DEFAULT true,
        created_by_user_id uuid REFERENCES users(id),
        created_at timestamptz NOT NULL,
        disabled_at timestamptz,
        CONSTRAINT webhook_endpoints_disabled_check CHECK (active = (disabled_at IS NULL))
      )`);
    await queryRunner.query(`CREATE INDEX webhook_endpoints_clinic_id_idx ON webhook_endpoints (clinic_id)`);

    // The stored deadline of an alert's next page. A sweep claims due rows with FOR UPDATE SKIP LOCKED and, in the same
    // transaction, records the pages and moves step and next_due_at on: a crash before commit pages again, after commit never.
    await queryRunner.query(`
      CREATE TABLE alert_escalations (
        alert_id uuid PRIMARY KEY REFERENCES alerts(id),
        clinic_id uuid NOT NULL REFERENCES clinics(id),
        episode integer NOT NULL DEFAULT 1 CHECK (episode >= 1),
        step integer NOT NULL DEFAULT 0 CHECK (step >= 0),
        paging_started_at timestamptz NOT NULL,
        next_due_at timestamptz NOT NULL,
        last_paged_at timestamptz,
        no_one_on_call boolean NOT NULL DEFAULT false,
        stopped_at timestamptz,
        stop_reason text CHECK (stop_reason IN ('acknowledged', 'resolved', 'severity_lowered')),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT alert_escalations_stopped_check CHECK ((stopped_at IS NULL) = (stop_reason IS NULL))
      )`);
    await queryRunner.query(`CREATE INDEX alert_escalations_due_idx ON alert_escalations (next_due_at) WHERE stopped_at IS NULL`);

    // Every page and its outcome. Updated as it is tried (attempts, status), never deleted (the app role has no DELETE).
    await queryRunner.query(`
      CREATE TABLE pages (
        id uuid PRIMARY KEY,
        alert_id uuid NOT NULL REFERENCES alerts(id),
        clinic_id uuid NOT NULL REFERENCES clinics(id),
        episode integer NOT NULL CHECK (episode >= 1),
        step integer NOT NULL CHECK (step >= 0),
        level integer CHECK (level >= 0),
        level_target text CHECK (level_target IN ('on_call', 'backup', 'clinic_admins')),
        recipient_clinician_id uuid REFERENCES clinicians(id),
        recipient_user_id uuid REFERENCES users(id),
        recipient_label text,
        notifier text NOT NULL CHECK (notifier IN ('in_app', 'webhook', 'none')),
        webhook_endpoint_id uuid REFERENCES webhook_endpoints(id),
        status text NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'cancelled')),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at timestamptz,
        last_attempt_at timestamptz,
        last_error text,
        sent_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT pages_webhook_check CHECK ((notifier = 'webhook') = (webhook_endpoint_id IS NOT NULL)),
        CONSTRAINT pages_queued_check CHECK (status <> 'queued' OR next_attempt_at IS NOT NULL),
        CONSTRAINT pages_sent_check CHECK ((status = 'sent') = (sent_at IS NOT NULL))
      )`);
    // One page per step, recipient and channel: should a step ever be claimed twice, the second insert fails instead of paging again.
    await queryRunner.query(`
      CREATE UNIQUE INDEX pages_one_per_step_recipient_channel
        ON pages (alert_id, episode, step, notifier, webhook_endpoint_id, recipient_clinician_id, recipient_user_id) NULLS NOT DISTINCT`);
    await queryRunner.query(`CREATE INDEX pages_due_idx ON pages (next_attempt_at) WHERE status = 'queued'`);
    await queryRunner.query(`CREATE INDEX pages_alert_id_idx ON pages (alert_id, created_at)`);
    // /api/health counts failed pages of the last 24 h; a failed page is never updated again.
    await queryRunner.query(`CREATE INDEX pages_failed_idx ON pages (updated_at) WHERE status = 'failed'`);

    // Only the SHA-256 of a link's token is stored; the token is re-derived from the endpoint's secret for each delivery attempt.
    await queryRunner.query(`
      CREATE TABLE acknowledge_links (
        token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
        alert_id uuid NOT NULL REFERENCES alerts(id),
        page_id uuid NOT NULL UNIQUE REFERENCES pages(id),
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        used_by_label text,
        CONSTRAINT acknowledge_links_expiry_check CHECK (expires_at > created_at)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE acknowledge_links`);
    await queryRunner.query(`DROP TABLE pages`);
    await queryRunner.query(`DROP TABLE alert_escalations`);
    await queryRunner.query(`DROP TABLE webhook_endpoints`);
  }
}
