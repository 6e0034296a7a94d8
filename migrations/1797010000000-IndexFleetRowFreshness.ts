// Issue 15: a fleet read with nothing to recompute costs the same at 5,000 pumps as at 50. The rows the clock has moved away from
// are found by an index range on computed_at (only the due rows are read); an active pump without its row by the same anti-join as
// before, but only after a change that could leave one rowless: a counter the database bumps at every such change tells a read.
import type { MigrationInterface, QueryRunner } from 'typeorm';

const APP_ROLE = 'pumpwatch_app';
/** server/src/fleet/fleet-projector.service.ts FLEET_ROW_MEMBERSHIP_LOCK: held shared by every transaction that bumps the counter. */
const MEMBERSHIP_LOCK = 7_316_016;

export class IndexFleetRowFreshness1797010000000 implements MigrationInterface {
  name = 'IndexFleetRowFreshness1797010000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The rows of a read's clinics computed before or after a bound: due rows only, an empty range when nothing is due.
    await queryRunner.query('CREATE INDEX fleet_rows_computed_at_idx ON fleet_rows (clinic_id, computed_at)');
    // Bumped by every statement that could leave an active pump without its row in its clinic: a row deleted (the projector drops
    // the rows of explanted pumps; an operator's DELETE or TRUNCATE), a pump inserted, explanted or moved to another clinic.
    // Not by upserts of rows: they never take a row away. A read that sees the value it last checked skips the anti-join.
    await queryRunner.query('CREATE SEQUENCE fleet_row_membership_changes');
    await queryRunner.query(`GRANT SELECT, USAGE ON SEQUENCE fleet_row_membership_changes TO ${APP_ROLE}`);
    // The shared lock, held until the bumping transaction ends, tells a read that a change it counted may not be visible yet.
    await queryRunner.query(`
      CREATE FUNCTION fleet_row_membership_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock_shared(${MEMBERSHIP_LOCK});
        PERFORM nextval('fleet_row_membership_changes');
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER fleet_rows_membership_delete AFTER DELETE ON fleet_rows
        FOR EACH STATEMENT EXECUTE FUNCTION fleet_row_membership_changed()`);
    await queryRunner.query(`
      CREATE TRIGGER fleet_rows_membership_truncate AFTER TRUNCATE ON fleet_rows
        FOR EACH STATEMENT EXECUTE FUNCTION fleet_row_membership_changed()`);
    await queryRunner.query(`
      CREATE TRIGGER pumps_fleet_row_membership AFTER INSERT OR UPDATE OF explanted_at, clinic_id ON pumps
        FOR EACH STATEMENT EXECUTE FUNCTION fleet_row_membership_changed()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER pumps_fleet_row_membership ON pumps');
    await queryRunner.query('DROP TRIGGER fleet_rows_membership_truncate ON fleet_rows');
    await queryRunner.query('DROP TRIGGER fleet_rows_membership_delete ON fleet_rows');
    await queryRunner.query('DROP FUNCTION fleet_row_membership_changed()');
    await queryRunner.query('DROP SEQUENCE fleet_row_membership_changes');
    await queryRunner.query('DROP INDEX fleet_rows_computed_at_idx');
  }
}
