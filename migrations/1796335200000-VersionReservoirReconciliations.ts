// A fill recorded out of order (a refill entered late) changes the previous fill of the refill after it, so that refill's
// reconciliation is computed again: the old row stays as history, marked superseded, and only the current row counts.
import type { MigrationInterface, QueryRunner } from 'typeorm';

const APP_ROLE = 'pumpwatch_app';

export class VersionReservoirReconciliations1796335200000 implements MigrationInterface {
  name = 'VersionReservoirReconciliations1796335200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE reservoir_reconciliations DROP CONSTRAINT reservoir_reconciliations_pkey`);
    await queryRunner.query(`
      ALTER TABLE reservoir_reconciliations
        ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        ADD COLUMN superseded_at timestamptz,
        ADD COLUMN superseded_by_fill_id uuid REFERENCES fills(id),
        ADD CONSTRAINT reservoir_reconciliations_superseded_check CHECK ((superseded_at IS NULL) = (superseded_by_fill_id IS NULL))`);
    // One current reconciliation per refill; superseded ones are kept for the record.
    await queryRunner.query(
      `CREATE UNIQUE INDEX reservoir_reconciliations_current_fill_idx ON reservoir_reconciliations (fill_id) WHERE superseded_at IS NULL`,
    );
    // Still append-only for the app, except marking a row superseded.
    await queryRunner.query(`GRANT UPDATE (superseded_at, superseded_by_fill_id) ON reservoir_reconciliations TO ${APP_ROLE}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`REVOKE UPDATE (superseded_at, superseded_by_fill_id) ON reservoir_reconciliations FROM ${APP_ROLE}`);
    await queryRunner.query(`DELETE FROM reservoir_reconciliations WHERE superseded_at IS NOT NULL`);
    await queryRunner.query(`DROP INDEX reservoir_reconciliations_current_fill_idx`);
    await queryRunner.query(`
      ALTER TABLE reservoir_reconciliations
        DROP CONSTRAINT reservoir_reconciliations_superseded_check,
        DROP COLUMN superseded_by_fill_id,
        DROP COLUMN superseded_at,
        DROP COLUMN id`);
    await queryRunner.query(`ALTER TABLE reservoir_reconciliations ADD PRIMARY KEY (fill_id)`);
  }
}
