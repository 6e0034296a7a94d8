// Issue 16: clinic closures (holidays, shutdowns), local dates in the clinic's zone on which no refill slot is offered or booked.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateClinicClosures1796950000000 implements MigrationInterface {
  name = 'CreateClinicClosures1796950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Dates, not instants: a closure is the clinic's calendar day, whatever its UTC offset that day.
    await queryRunner.query(`
      CREATE TABLE clinic_closures (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
        start_date date NOT NULL,
        end_date date NOT NULL,
        label text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- Removing a closure sets this: the application role deletes nothing (the audit trail can point at the row).
        removed_at timestamptz,
        CONSTRAINT clinic_closures_dates_check CHECK (end_date >= start_date)
      )`);
    await queryRunner.query(
      'CREATE INDEX clinic_closures_clinic_id_end_date_idx ON clinic_closures (clinic_id, end_date) WHERE removed_at IS NULL',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE clinic_closures');
  }
}
