// Alerts: one row per alert with its lifecycle, the append-only history of its state changes, per-user snoozes, the alert engine's
// cursor over the event outbox, clinic alert settings and the patients' withdrawal risk factors.
import type { MigrationInterface, QueryRunner } from 'typeorm';

const APP_ROLE = 'pumpwatch_app';

export class CreateAlerts1795903200000 implements MigrationInterface {
  name = 'CreateAlerts1795903200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Defaults mirror ALERT_CONFIG in shared/src/clinical-config.ts (issue 5); each clinic may change them.
    await queryRunner.query(`
      ALTER TABLE clinics
        ADD COLUMN alert_warning_horizon_days integer NOT NULL DEFAULT 21 CHECK (alert_warning_horizon_days BETWEEN 7 AND 365),
        ADD COLUMN booking_margin_days integer NOT NULL DEFAULT 2 CHECK (booking_margin_days BETWEEN 0 AND 60)`);
    // NULL: not recorded (the FDA label's higher-risk groups for severe withdrawal).
    await queryRunner.query(`
      ALTER TABLE patients
        ADD COLUMN spinal_cord_injury_t6_or_above boolean,
        ADD COLUMN communication_difficulty boolean,
        ADD COLUMN previous_withdrawal boolean`);

    // subject_id is the pump for a pump alert and the patient for a patient alert: the key of "one open alert per subject and kind".
    await queryRunner.query(`
      CREATE TABLE alerts (
        id uuid PRIMARY KEY,
        clinic_id uuid NOT NULL REFERENCES clinics(id),
        patient_id uuid NOT NULL REFERENCES patients(id),
        pump_id uuid REFERENCES pumps(id),
        subject_type text NOT NULL CHECK (subject_type IN ('pump', 'patient')),
        subject_id uuid NOT NULL,
        kind text NOT NULL,
        severity text NOT NULL CHECK (severity IN ('warning', 'urgent', 'critical')),
        status text NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
        title text NOT NULL,
        message text NOT NULL,
        facts jsonb NOT NULL DEFAULT '{}'::jsonb,
        first_raised_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        fire_count integer NOT NULL DEFAULT 1 CHECK (fire_count >= 1),
        condition_cleared_at timestamptz,
        acknowledged_at timestamptz,
        acknowledged_by_user_id uuid REFERENCES users(id),
        acknowledged_by_label text,
        acknowledgement_note text,
        resolved_at timestamptz,
        resolved_by_type text CHECK (resolved_by_type IN ('user', 'system')),
        resolved_by_user_id uuid REFERENCES users(id),
        resolved_by_label text,
        resolution_note text,
        last_event_id bigint NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT alerts_subject_check CHECK (
          (subject_type = 'pump' AND pump_id IS NOT NULL AND subject_id = pump_id)
          OR (subject_type = 'patient' AND pump_id IS NULL AND subject_id = patient_id)),
        CONSTRAINT alerts_acknowledged_check CHECK (status <> 'acknowledged' OR acknowledged_at IS NOT NULL),
        CONSTRAINT alerts_resolved_check CHECK ((status = 'resolved') = (resolved_at IS NOT NULL AND resolved_by_type IS NOT NULL))
      )`);
    // Re-firing updates the open alert instead of creating another, even when two evaluations race.
    await queryRunner.query(
      `CREATE UNIQUE INDEX alerts_one_open_per_subject_kind ON alerts (subject_type, subject_id, kind) WHERE status <> 'resolved'`,
    );
    await queryRunner.query(`CREATE INDEX alerts_clinic_id_status_idx ON alerts (clinic_id, status)`);
    await queryRunner.query(`CREATE INDEX alerts_pump_id_idx ON alerts (pump_id)`);
    await queryRunner.query(`CREATE INDEX alerts_patient_id_idx ON alerts (patient_id)`);

    // Every state change with who and when; append-only for the application (UPDATE revoked below, DELETE never granted).
    await queryRunner.query(`
      CREATE TABLE alert_history (
        id bigserial PRIMARY KEY,
        alert_id uuid NOT NULL REFERENCES alerts(id),
        clinic_id uuid NOT NULL REFERENCES clinics(id),
        at timestamptz NOT NULL,
        action text NOT NULL CHECK (action IN ('raised', 'severity_changed', 'restated', 'acknowledged', 'resolved', 'snoozed', 'condition_cleared', 'condition_returned')),
        actor_type text NOT NULL CHECK (actor_type IN ('user', 'system')),
        actor_id uuid,
        actor_label text NOT NULL,
        from_status text,
        to_status text NOT NULL,
        from_severity text,
        to_severity text NOT NULL,
        note text,
        snoozed_until timestamptz,
        event_id bigint
      )`);
    await queryRunner.query(`CREATE INDEX alert_history_alert_id_idx ON alert_history (alert_id, id)`);
    await queryRunner.query(`REVOKE UPDATE ON alert_history FROM ${APP_ROLE}`);

    // One row per (alert, user), overwritten by a new snooze: a snooze ends by time, never by deleting the row.
    await queryRunner.query(`
      CREATE TABLE alert_snoozes (
        alert_id uuid NOT NULL REFERENCES alerts(id),
        user_id uuid NOT NULL REFERENCES users(id),
        snoozed_at timestamptz NOT NULL,
        snoozed_until timestamptz NOT NULL CHECK (snoozed_until > snoozed_at),
        severity_at_snooze text NOT NULL CHECK (severity_at_snooze IN ('warning', 'urgent', 'critical')),
        PRIMARY KEY (alert_id, user_id)
      )`);
    await queryRunner.query(`CREATE INDEX alert_snoozes_user_id_idx ON alert_snoozes (user_id)`);

    // The last event the alert engine evaluated: advanced in the same transaction as the alerts it wrote, so a restart neither
    // skips nor repeats an event. Its single row is created by the engine at first use (no seeded row: an unused database stays empty).
    await queryRunner.query(`
      CREATE TABLE alert_evaluation_cursor (
        id smallint PRIMARY KEY CHECK (id = 1),
        last_event_id bigint NOT NULL CHECK (last_event_id >= 0),
        updated_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE alert_evaluation_cursor`);
    await queryRunner.query(`DROP TABLE alert_snoozes`);
    await queryRunner.query(`DROP TABLE alert_history`);
    await queryRunner.query(`DROP TABLE alerts`);
    await queryRunner.query(
      `ALTER TABLE patients DROP COLUMN previous_withdrawal, DROP COLUMN communication_difficulty, DROP COLUMN spinal_cord_injury_t6_or_above`,
    );
    await queryRunner.query(`ALTER TABLE clinics DROP COLUMN booking_margin_days, DROP COLUMN alert_warning_horizon_days`);
  }
}
