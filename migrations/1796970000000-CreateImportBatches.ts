// Issue 17: a spreadsheet import's dry run, kept until it is confirmed (rows written) or expires; shared by every server instance.
import type { MigrationInterface, QueryRunner } from 'typeorm';

const APP_ROLE = 'pumpwatch_app';

export class CreateImportBatches1796970000000 implements MigrationInterface {
  name = 'CreateImportBatches1796970000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // `records`: the rows as read (what confirm writes); `dry_run`: each row's outcome as answered. Never deleted by the app role.
    await queryRunner.query(`
      CREATE TABLE import_batches (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        clinic_id uuid NOT NULL REFERENCES clinics(id),
        created_by_user_id uuid REFERENCES users(id),
        file_name text NOT NULL,
        file_sha256 text NOT NULL,
        date_order text NOT NULL CHECK (date_order IN ('day-first', 'month-first')),
        records jsonb NOT NULL,
        dry_run jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        confirmed_at timestamptz,
        result jsonb
      )`);
    await queryRunner.query('CREATE INDEX import_batches_clinic_id_idx ON import_batches (clinic_id, created_at)');
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE ON import_batches TO ${APP_ROLE}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE import_batches');
  }
}
