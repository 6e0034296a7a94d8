// Issue 12: per-clinic tolerance between the pump's own reservoir estimate and the forecast, and the critical-alert sound's repeat.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddOnDutySettings1796508000000 implements MigrationInterface {
  name = 'AddOnDutySettings1796508000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Defaults: the larger of 2 mL and 10% (TELEMETRY_CONFIG), and a 60 s repeat (ALERT_CONFIG); the API keeps them within bounds.
    await queryRunner.query(`
      ALTER TABLE clinics
        ADD COLUMN reservoir_discrepancy_tolerance_ml double precision NOT NULL DEFAULT 2 CHECK (reservoir_discrepancy_tolerance_ml > 0),
        ADD COLUMN reservoir_discrepancy_tolerance_percent double precision NOT NULL DEFAULT 10 CHECK (reservoir_discrepancy_tolerance_percent > 0),
        ADD COLUMN alert_sound_repeat_seconds integer NOT NULL DEFAULT 60 CHECK (alert_sound_repeat_seconds > 0)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE clinics
        DROP COLUMN reservoir_discrepancy_tolerance_ml,
        DROP COLUMN reservoir_discrepancy_tolerance_percent,
        DROP COLUMN alert_sound_repeat_seconds`);
  }
}
