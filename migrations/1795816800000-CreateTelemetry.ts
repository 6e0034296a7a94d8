// Pump telemetry: readings per pump in time order, reservoir reconciliations at refills, pump events (MRI), clinic telemetry settings.
import type { MigrationInterface, QueryRunner } from 'typeorm';

const APP_ROLE = 'pumpwatch_app';

export class CreateTelemetry1795816800000 implements MigrationInterface {
  name = 'CreateTelemetry1795816800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Defaults mirror TELEMETRY_CONFIG in shared/src/telemetry/telemetry-config.ts (issue 4); each clinic may change them.
    await queryRunner.query(`
      ALTER TABLE clinics
        ADD COLUMN telemetry_stale_after_hours double precision NOT NULL DEFAULT 24 CHECK (telemetry_stale_after_hours > 0),
        ADD COLUMN replacement_margin_days integer NOT NULL DEFAULT 30 CHECK (replacement_margin_days >= 0),
        ADD COLUMN program_mismatch_tolerance_percent double precision NOT NULL DEFAULT 1 CHECK (program_mismatch_tolerance_percent >= 0),
        ADD COLUMN program_mismatch_tolerance_mcg_per_day double precision NOT NULL DEFAULT 1 CHECK (program_mismatch_tolerance_mcg_per_day >= 0),
        ADD COLUMN telemetry_retention_days integer CHECK (telemetry_retention_days > 0)`);
    // Entered from the patient programmer's log at refill; wins over telemetry's counter in the reconciliation.
    await queryRunner.query(
      `ALTER TABLE fills ADD COLUMN patient_bolus_count_since_last_fill integer CHECK (patient_bolus_count_since_last_fill >= 0)`,
    );

    // A reading is identified by (pump, recordedAt): serial numbers are unique forever, so this is (serial, recordedAt). The primary key
    // is also the per-pump time-ordered index the charts and the status read. NULL fields were not reported in that reading.
    await queryRunner.query(`
      CREATE TABLE telemetry_readings (
        pump_id uuid NOT NULL REFERENCES pumps(id),
        recorded_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        reservoir_volume_ml double precision CHECK (reservoir_volume_ml >= 0),
        alarms text[],
        battery_status text CHECK (battery_status IN ('ok', 'eri', 'end_of_service')),
        program_dose_mcg_per_day double precision CHECK (program_dose_mcg_per_day >= 0),
        program_concentration_mcg_per_ml double precision CHECK (program_concentration_mcg_per_ml > 0),
        patient_bolus_count_total bigint CHECK (patient_bolus_count_total >= 0),
        CONSTRAINT telemetry_readings_pkey PRIMARY KEY (pump_id, recorded_at)
      )`);
    // What the pump reported stays as reported: the application may add readings, never change them.
    await queryRunner.query(`REVOKE UPDATE ON telemetry_readings FROM ${APP_ROLE}`);

    // The latest value of each field per pump, kept up to date by the ingest statement itself: a gateway may omit a field in most
    // readings, and looking for its latest value through the readings would scan a pump's whole history at every status.
    await queryRunner.query(`
      CREATE TABLE pump_telemetry_latest (
        pump_id uuid PRIMARY KEY REFERENCES pumps(id),
        last_contact_at timestamptz NOT NULL,
        battery_status text,
        battery_at timestamptz,
        alarms text[],
        alarms_at timestamptz,
        program_dose_mcg_per_day double precision,
        program_dose_at timestamptz,
        program_concentration_mcg_per_ml double precision,
        program_concentration_at timestamptz,
        reservoir_volume_ml double precision,
        reservoir_volume_at timestamptz,
        first_eri_at timestamptz,
        first_end_of_service_at timestamptz
      )`);

    // One row per refill that recorded the aspirated residual, computed when the fill is recorded: append-only history for the trend.
    await queryRunner.query(`
      CREATE TABLE reservoir_reconciliations (
        fill_id uuid PRIMARY KEY REFERENCES fills(id),
        pump_id uuid NOT NULL REFERENCES pumps(id),
        filled_at timestamptz NOT NULL,
        previous_fill_id uuid NOT NULL REFERENCES fills(id),
        previous_fill_volume_ml double precision NOT NULL,
        nominal_residual_ml double precision NOT NULL,
        worst_case_residual_ml double precision NOT NULL,
        patient_bolus_source text NOT NULL CHECK (patient_bolus_source IN ('entered', 'telemetry', 'none_recorded', 'not_allowed')),
        patient_bolus_count integer,
        patient_bolus_volume_ml double precision,
        expected_min_ml double precision NOT NULL,
        expected_max_ml double precision NOT NULL,
        expected_residual_ml double precision NOT NULL,
        expected_delivered_ml double precision NOT NULL,
        aspirated_residual_ml double precision NOT NULL,
        difference_ml double precision NOT NULL,
        max_difference_ml double precision NOT NULL,
        flow_accuracy_fraction double precision,
        flow_accuracy_tolerance_ml double precision,
        flagged boolean NOT NULL,
        reasons text[] NOT NULL DEFAULT '{}',
        direction text CHECK (direction IN ('over_infusion', 'under_delivery')),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX reservoir_reconciliations_pump_id_filled_at_idx ON reservoir_reconciliations (pump_id, filled_at)`,
    );
    await queryRunner.query(`REVOKE UPDATE ON reservoir_reconciliations FROM ${APP_ROLE}`);

    // An MRI flags "check the pump after MRI" until a clinician clears it (the only update: the clearing columns).
    await queryRunner.query(`
      CREATE TABLE pump_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        pump_id uuid NOT NULL REFERENCES pumps(id),
        kind text NOT NULL CHECK (kind IN ('mri')),
        at timestamptz NOT NULL,
        note text,
        recorded_by_actor_id uuid,
        recorded_by_label text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        cleared_at timestamptz,
        cleared_by_user_id uuid REFERENCES users(id),
        cleared_by_label text,
        clear_note text,
        CONSTRAINT pump_events_cleared_together CHECK ((cleared_at IS NULL) = (cleared_by_label IS NULL))
      )`);
    await queryRunner.query(`CREATE INDEX pump_events_pump_id_at_idx ON pump_events (pump_id, at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE pump_events`);
    await queryRunner.query(`DROP TABLE reservoir_reconciliations`);
    await queryRunner.query(`DROP TABLE pump_telemetry_latest`);
    await queryRunner.query(`DROP TABLE telemetry_readings`);
    await queryRunner.query(`ALTER TABLE fills DROP COLUMN patient_bolus_count_since_last_fill`);
    await queryRunner.query(`
      ALTER TABLE clinics
        DROP COLUMN telemetry_retention_days,
        DROP COLUMN program_mismatch_tolerance_mcg_per_day,
        DROP COLUMN program_mismatch_tolerance_percent,
        DROP COLUMN replacement_margin_days,
        DROP COLUMN telemetry_stale_after_hours`);
  }
}
