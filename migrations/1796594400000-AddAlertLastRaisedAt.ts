// Issue 12: when an alert was last raised or re-raised (its condition returned, it became more severe, it was reopened after an
// acknowledgement), so lists can show the newest danger first.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddAlertLastRaisedAt1796594400000 implements MigrationInterface {
  name = 'AddAlertLastRaisedAt1796594400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE alerts ADD COLUMN last_raised_at timestamptz');
    // Existing alerts: from their history, the same events the alert writer counts from now on.
    await queryRunner.query(`
      UPDATE alerts a SET last_raised_at = COALESCE((
        SELECT max(h.at) FROM alert_history h
        WHERE h.alert_id = a.id AND (
          h.action IN ('raised', 'condition_returned')
          OR (h.action = 'severity_changed'
              AND array_position(ARRAY['warning','urgent','critical']::text[], h.to_severity)
                > array_position(ARRAY['warning','urgent','critical']::text[], h.from_severity))
          OR (h.from_status = 'acknowledged' AND h.to_status = 'open'))
      ), a.first_raised_at)`);
    await queryRunner.query('ALTER TABLE alerts ALTER COLUMN last_raised_at SET NOT NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE alerts DROP COLUMN last_raised_at');
  }
}
