// Clinicians, their on-call shifts and each clinic's escalation policy: the roster the paging engine reads.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOnCallRoster1795989600000 implements MigrationInterface {
  name = 'CreateOnCallRoster1795989600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // GiST equality on uuid for the exclusion constraint below; a trusted extension, so a database owner may create it.
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
    // Deactivated, never deleted: shifts, appointments and audit rows keep naming the clinician.
    await queryRunner.query(`
      CREATE TABLE clinicians (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        clinic_id uuid NOT NULL REFERENCES clinics(id),
        display_name text NOT NULL,
        profession text NOT NULL CHECK (profession IN ('nurse', 'physician')),
        user_id uuid REFERENCES users(id),
        pager_contact text,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT clinicians_id_clinic_id_key UNIQUE (id, clinic_id)
      )`);
    await queryRunner.query(`CREATE INDEX clinicians_clinic_id_idx ON clinicians (clinic_id)`);
    // One clinician per account and clinic: in-app pages to a user must not arrive twice.
    await queryRunner.query(
      `CREATE UNIQUE INDEX clinicians_clinic_id_user_id_key ON clinicians (clinic_id, user_id) WHERE user_id IS NOT NULL`,
    );
    // A shift covers [starts_at, ends_at). The composite key keeps a shift in its clinician's clinic; the exclusion
    // constraint makes a clinician's overlapping active shifts impossible even for concurrent requests (two different
    // clinicians may overlap: that is a handover).
    await queryRunner.query(`
      CREATE TABLE on_call_shifts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        clinic_id uuid NOT NULL REFERENCES clinics(id),
        clinician_id uuid NOT NULL,
        tier text NOT NULL CHECK (tier IN ('primary', 'backup')),
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        cancelled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT on_call_shifts_clinician_fkey FOREIGN KEY (clinician_id, clinic_id) REFERENCES clinicians (id, clinic_id),
        CONSTRAINT on_call_shifts_ends_after_start CHECK (ends_at > starts_at),
        CONSTRAINT on_call_shifts_no_overlap_per_clinician EXCLUDE USING gist (
          clinician_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&
        ) WHERE (cancelled_at IS NULL)
      )`);
    await queryRunner.query(`CREATE INDEX on_call_shifts_clinic_id_ends_at_idx ON on_call_shifts (clinic_id, ends_at)`);
    // One row per clinic that set its own policy; without a row the default of shared/src/on-call/on-call-config.ts applies.
    await queryRunner.query(`
      CREATE TABLE escalation_policies (
        clinic_id uuid PRIMARY KEY REFERENCES clinics(id),
        levels jsonb NOT NULL CHECK (jsonb_typeof(levels) = 'array' AND jsonb_array_length(levels) > 0),
        repeat_top_level_every_minutes integer NOT NULL CHECK (repeat_top_level_every_minutes > 0),
        urgent_page_after_minutes integer NOT NULL CHECK (urgent_page_after_minutes >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE escalation_policies`);
    await queryRunner.query(`DROP TABLE on_call_shifts`);
    await queryRunner.query(`DROP TABLE clinicians`);
    // btree_gist stays: it holds no data, and later migrations (the scheduler's appointment constraints) may rely on it.
  }
}
