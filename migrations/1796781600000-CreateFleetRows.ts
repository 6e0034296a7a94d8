// Issue 15: the fleet read model. One row per active pump (its FleetPump as last computed, plus the columns the fleet sorts,
// filters and pages on in SQL), kept current from the event outbox by a cursor, so GET /api/pumps reads rows, not histories.
import type { MigrationInterface, QueryRunner } from 'typeorm';

const APP_ROLE = 'pumpwatch_app';

export class CreateFleetRows1796781600000 implements MigrationInterface {
  name = 'CreateFleetRows1796781600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE fleet_rows (
        pump_id uuid PRIMARY KEY REFERENCES pumps(id) ON DELETE CASCADE,
        clinic_id uuid NOT NULL REFERENCES clinics(id),
        -- The FleetPump as computed at computed_at (urgency and days left are re-assessed at read time).
        row jsonb NOT NULL,
        -- The highest event id the row reflects (FleetPump.fleetRowVersion).
        version bigint NOT NULL,
        computed_at timestamptz NOT NULL,
        -- foldForSearch of name, MRN, serial, model id and model name: the q filter is a substring match per word.
        search_text text NOT NULL,
        -- foldForSearch of the patient's display name: the patient sort and every tie-break.
        sort_name text NOT NULL,
        status text NOT NULL CHECK (status IN ('ok', 'no_fill', 'no_program', 'forecast_error')),
        refill_deadline timestamptz,
        no_forecast_since timestamptz,
        -- A server-found reason interrupts delivery (telemetry, an open withdrawal-risk alert): the top level, whatever the clock.
        delivery_interrupted boolean NOT NULL,
        volume_ml double precision
      )`);
    await queryRunner.query('CREATE INDEX fleet_rows_clinic_idx ON fleet_rows (clinic_id, sort_name, pump_id)');
    await queryRunner.query('CREATE INDEX fleet_rows_deadline_idx ON fleet_rows (refill_deadline)');
    await queryRunner.query(`
      CREATE TABLE fleet_projection_cursor (
        id smallint PRIMARY KEY CHECK (id = 1),
        last_event_id bigint NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    // Start at 0: the first catch-up projects every active pump (whole-clinic events), so an upgraded database fills the table.
    await queryRunner.query(`INSERT INTO fleet_projection_cursor (id, last_event_id, updated_at) VALUES (1, 0, now())`);
    // An explanted pump leaves the fleet: its row is deleted (the default privileges give no DELETE).
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON fleet_rows TO ${APP_ROLE}`);
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE ON fleet_projection_cursor TO ${APP_ROLE}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE fleet_projection_cursor');
    await queryRunner.query('DROP TABLE fleet_rows');
  }
}
