// Issue 13: each clinic's edits of the drug library (null: the code's defaults), and the soft limits a program or a fill overrides
// with its reason.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateDrugLibrary1796681000000 implements MigrationInterface {
  name = 'CreateDrugLibrary1796681000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The app role gets SELECT, INSERT, UPDATE by the default privileges of CreateAccessAndAudit (no DELETE: an edit is an update).
    await queryRunner.query(`
      CREATE TABLE clinic_drug_library (
        clinic_id uuid NOT NULL REFERENCES clinics(id),
        drug text NOT NULL CHECK (drug IN ('baclofen')),
        overrides jsonb,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (clinic_id, drug)
      )`);
    await queryRunner.query(`ALTER TABLE programs ADD COLUMN limit_overrides jsonb NOT NULL DEFAULT '[]'::jsonb`);
    await queryRunner.query(
      `ALTER TABLE fills ADD COLUMN limit_override_reason text, ADD COLUMN limit_overrides jsonb NOT NULL DEFAULT '[]'::jsonb`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE fills DROP COLUMN limit_overrides, DROP COLUMN limit_override_reason');
    await queryRunner.query('ALTER TABLE programs DROP COLUMN limit_overrides');
    await queryRunner.query('DROP TABLE clinic_drug_library');
  }
}
