// Refill scheduling: rooms, clinician availability, appointments that PostgreSQL itself keeps from double booking, calendar feeds.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateScheduling1796162400000 implements MigrationInterface {
  name = 'CreateScheduling1796162400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Per-clinic booking settings; the booking margin (added with the alerts) now defaults to the scheduler's week.
    await queryRunner.query(`
      ALTER TABLE clinics
        ADD COLUMN refill_duration_minutes integer NOT NULL DEFAULT 30 CHECK (refill_duration_minutes BETWEEN 5 AND 240),
        ADD COLUMN appointment_buffer_minutes integer NOT NULL DEFAULT 10 CHECK (appointment_buffer_minutes BETWEEN 0 AND 120)`);
    await queryRunner.query(`ALTER TABLE clinics ALTER COLUMN booking_margin_days SET DEFAULT 7`);

    await queryRunner.query(`
      CREATE TABLE rooms (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        clinic_id uuid NOT NULL REFERENCES clinics(id),
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT rooms_clinic_id_name_key UNIQUE (clinic_id, name),
        CONSTRAINT rooms_id_clinic_id_key UNIQUE (id, clinic_id)
      )`);

    // Replaced as a whole by PUT; wall-clock windows in the clinic's zone, validated by the shared schema before they get here.
    await queryRunner.query(`
      CREATE TABLE clinician_availability (
        clinician_id uuid PRIMARY KEY REFERENCES clinicians(id),
        weekly jsonb NOT NULL CHECK (jsonb_typeof(weekly) = 'array'),
        overrides jsonb NOT NULL CHECK (jsonb_typeof(overrides) = 'array'),
        updated_at timestamptz NOT NULL
      )`);

    // blocks_until = ends_at + the clinic's buffer: the exclusion constraints then keep the turnover free too. Only booked
    // appointments block; a cancelled or missed one frees its slot. Composite keys keep clinician and room in the pump's clinic.
    await queryRunner.query(`
      CREATE TABLE appointments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        clinic_id uuid NOT NULL REFERENCES clinics(id),
        pump_id uuid NOT NULL REFERENCES pumps(id),
        clinician_id uuid NOT NULL,
        room_id uuid,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        blocks_until timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('booked', 'completed', 'cancelled', 'no_show')),
        override_reason text,
        booked_by_user_id uuid REFERENCES users(id),
        booked_by_label text NOT NULL,
        status_reason text,
        status_changed_at timestamptz,
        fill_id uuid REFERENCES fills(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT appointments_clinician_fkey FOREIGN KEY (clinician_id, clinic_id) REFERENCES clinicians (id, clinic_id),
        CONSTRAINT appointments_room_fkey FOREIGN KEY (room_id, clinic_id) REFERENCES rooms (id, clinic_id),
        CONSTRAINT appointments_ends_after_start CHECK (ends_at > starts_at),
        CONSTRAINT appointments_blocks_until_check CHECK (blocks_until >= ends_at),
        CONSTRAINT appointments_completed_fill_check CHECK (status <> 'completed' OR fill_id IS NOT NULL),
        CONSTRAINT appointments_no_clinician_overlap EXCLUDE USING gist (
          clinician_id WITH =, tstzrange(starts_at, blocks_until, '[)') WITH &&
        ) WHERE (status = 'booked'),
        CONSTRAINT appointments_no_room_overlap EXCLUDE USING gist (
          room_id WITH =, tstzrange(starts_at, blocks_until, '[)') WITH &&
        ) WHERE (status = 'booked' AND room_id IS NOT NULL)
      )`);
    // At most one active refill appointment per pump.
    await queryRunner.query(`CREATE UNIQUE INDEX appointments_one_booked_per_pump ON appointments (pump_id) WHERE status = 'booked'`);
    await queryRunner.query(`CREATE INDEX appointments_clinic_id_starts_at_idx ON appointments (clinic_id, starts_at)`);
    await queryRunner.query(`CREATE INDEX appointments_clinician_id_starts_at_idx ON appointments (clinician_id, starts_at)`);

    // iCalendar feeds: the secret is shown once and stored as SHA-256, like the gateway tokens.
    await queryRunner.query(`
      CREATE TABLE calendar_feed_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        clinic_id uuid NOT NULL REFERENCES clinics(id),
        clinician_id uuid NOT NULL,
        name text NOT NULL,
        token_hash bytea NOT NULL,
        created_by_user_id uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        last_used_at timestamptz,
        CONSTRAINT calendar_feed_tokens_clinician_fkey FOREIGN KEY (clinician_id, clinic_id) REFERENCES clinicians (id, clinic_id),
        CONSTRAINT calendar_feed_tokens_token_hash_key UNIQUE (token_hash)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE calendar_feed_tokens`);
    await queryRunner.query(`DROP TABLE appointments`);
    await queryRunner.query(`DROP TABLE clinician_availability`);
    await queryRunner.query(`DROP TABLE rooms`);
    await queryRunner.query(`ALTER TABLE clinics ALTER COLUMN booking_margin_days SET DEFAULT 2`);
    await queryRunner.query(`ALTER TABLE clinics DROP COLUMN appointment_buffer_minutes, DROP COLUMN refill_duration_minutes`);
  }
}
