// First schema: clinics, patients, pumps, fills, programs and the ordered event sequence (counter + outbox).
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRefillSchema1795644000000 implements MigrationInterface {
  name = 'CreateRefillSchema1795644000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE clinics (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        time_zone text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // MRN is the clinic's own identifier: unique within a clinic, not across clinics.
    await queryRunner.query(`
      CREATE TABLE patients (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        clinic_id uuid NOT NULL REFERENCES clinics(id),
        mrn text NOT NULL,
        display_name text NOT NULL,
        birth_date date NOT NULL,
        sex text NOT NULL CHECK (sex IN ('female', 'male', 'other', 'unknown')),
        weight_kg double precision,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT patients_clinic_id_mrn_key UNIQUE (clinic_id, mrn)
      )`);
    await queryRunner.query(`
      CREATE TABLE pumps (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        patient_id uuid NOT NULL REFERENCES patients(id),
        clinic_id uuid NOT NULL REFERENCES clinics(id),
        model_id text NOT NULL,
        serial_number text NOT NULL,
        implant_date date NOT NULL,
        reservoir_capacity_ml double precision NOT NULL CHECK (reservoir_capacity_ml > 0),
        low_reservoir_alarm_ml double precision NOT NULL CHECK (low_reservoir_alarm_ml >= 0 AND low_reservoir_alarm_ml < reservoir_capacity_ml),
        flow_rate_ml_per_day double precision CHECK (flow_rate_ml_per_day > 0),
        explanted_at timestamptz,
        explant_reason text CHECK (explant_reason IN ('replacement', 'infection', 'therapy_ended', 'deceased', 'other')),
        replaces_pump_id uuid REFERENCES pumps(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pumps_serial_number_key UNIQUE (serial_number)
      )`);
    // A patient has at most one active pump, even under concurrent requests.
    await queryRunner.query(`CREATE UNIQUE INDEX pumps_one_active_per_patient ON pumps (patient_id) WHERE explanted_at IS NULL`);
    await queryRunner.query(`CREATE INDEX pumps_clinic_id_idx ON pumps (clinic_id)`);
    await queryRunner.query(`
      CREATE TABLE fills (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        pump_id uuid NOT NULL REFERENCES pumps(id),
        filled_at timestamptz NOT NULL,
        drug text NOT NULL DEFAULT 'baclofen',
        concentration_mcg_per_ml double precision NOT NULL CHECK (concentration_mcg_per_ml > 0),
        volume_ml double precision NOT NULL CHECK (volume_ml > 0),
        aspirated_residual_ml double precision CHECK (aspirated_residual_ml >= 0),
        stability_days integer NOT NULL CHECK (stability_days > 0),
        bridge_bolus jsonb,
        expected_residual_ml double precision,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fills_pump_id_filled_at_key UNIQUE (pump_id, filled_at)
      )`);
    // Programs are history: a new one is a new row, the one in force is the latest effective_from.
    await queryRunner.query(`
      CREATE TABLE programs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        pump_id uuid NOT NULL REFERENCES pumps(id),
        effective_from timestamptz NOT NULL,
        steps jsonb NOT NULL,
        periodic_boluses jsonb NOT NULL DEFAULT '[]'::jsonb,
        patient_bolus jsonb,
        dose_mcg_per_day double precision NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT programs_pump_id_effective_from_key UNIQUE (pump_id, effective_from)
      )`);
    // One row, bumped inside every writing transaction: its row lock makes event ids commit in order.
    await queryRunner.query(`
      CREATE TABLE event_counter (
        id smallint PRIMARY KEY CHECK (id = 1),
        last_event_id bigint NOT NULL
      )`);
    await queryRunner.query(`INSERT INTO event_counter (id, last_event_id) VALUES (1, 0)`);
    // Outbox of every change, so a client can replay from its lastEventId.
    await queryRunner.query(`
      CREATE TABLE events (
        id bigint PRIMARY KEY,
        clinic_id uuid,
        pump_id uuid,
        type text NOT NULL,
        payload jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX events_clinic_id_id_idx ON events (clinic_id, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE events`);
    await queryRunner.query(`DROP TABLE event_counter`);
    await queryRunner.query(`DROP TABLE programs`);
    await queryRunner.query(`DROP TABLE fills`);
    await queryRunner.query(`DROP TABLE pumps`);
    await queryRunner.query(`DROP TABLE patients`);
    await queryRunner.query(`DROP TABLE clinics`);
  }
}
