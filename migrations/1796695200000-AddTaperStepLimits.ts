// Issue 13: taper steps within the clinic's limits (minimum spacing between steps), the reason and findings of a plan beyond them.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddTaperStepLimits1796695200000 implements MigrationInterface {
  name = 'AddTaperStepLimits1796695200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Default 24 h (DOSE_CHANGE_CONFIG.taperStepMinSpacingHours); the API keeps it within 1-168 h.
    await queryRunner.query(`
      ALTER TABLE clinics
        ADD COLUMN taper_step_min_spacing_hours double precision NOT NULL DEFAULT 24 CHECK (taper_step_min_spacing_hours > 0)`);
    // Plans created before keep no findings (they were accepted under the old rules).
    await queryRunner.query(`
      ALTER TABLE taper_plans
        ADD COLUMN step_limit_override_reason text,
        ADD COLUMN step_limit_findings jsonb NOT NULL DEFAULT '[]'::jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE taper_plans DROP COLUMN step_limit_findings, DROP COLUMN step_limit_override_reason');
    await queryRunner.query('ALTER TABLE clinics DROP COLUMN taper_step_min_spacing_hours');
  }
}
