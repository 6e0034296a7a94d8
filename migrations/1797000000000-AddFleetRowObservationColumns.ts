// Issue 15: the columns FHIR Observation searches filter, count and page on, beside the fleet row's JSON they repeat, so a search
// reads the rows of its page and no other row's JSON (decompressing every row made it grow with the fleet).
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddFleetRowObservationColumns1797000000000 implements MigrationInterface {
  name = 'AddFleetRowObservationColumns1797000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE fleet_rows
        -- The pump's patient (the Observation's subject): the patient search.
        ADD COLUMN patient_id uuid,
        -- forecastFacts.reportedReservoir.recordedAt: the reading the forecast compared (the reservoir-volume Observation), if any.
        ADD COLUMN reported_reading_at timestamptz,
        -- forecastFacts.nominalLowReservoirAlarmAt: the low-reservoir-alarm Observation of an 'ok' forecast, if any.
        ADD COLUMN nominal_low_reservoir_alarm_at timestamptz`);
    await queryRunner.query(`
      UPDATE fleet_rows f SET
        patient_id = p.patient_id,
        reported_reading_at = CASE
          WHEN jsonb_typeof(f.row->'forecastFacts'->'reportedReservoir') = 'object'
            THEN (f.row->'forecastFacts'->'reportedReservoir'->>'recordedAt')::timestamptz
        END,
        nominal_low_reservoir_alarm_at = (f.row->'forecastFacts'->>'nominalLowReservoirAlarmAt')::timestamptz
      FROM pumps p
      WHERE p.id = f.pump_id`);
    // patient_id stays nullable: during a rolling deploy an instance still on the previous release writes rows without it, and a NOT
    // NULL would make its projection (and so its fleet reads) fail; such a row gets its patient at its next recompute.
    // A clinic's Observations in id order (pump, then code) and their count from the index alone, when the pages are all-visible.
    await queryRunner.query(`
      CREATE INDEX fleet_rows_observations_idx ON fleet_rows (clinic_id, pump_id)
        INCLUDE (patient_id, status, refill_deadline, reported_reading_at, nominal_low_reservoir_alarm_at)`);
    await queryRunner.query('CREATE INDEX fleet_rows_patient_idx ON fleet_rows (patient_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX fleet_rows_patient_idx');
    await queryRunner.query('DROP INDEX fleet_rows_observations_idx');
    await queryRunner.query(`
      ALTER TABLE fleet_rows DROP COLUMN nominal_low_reservoir_alarm_at, DROP COLUMN reported_reading_at, DROP COLUMN patient_id`);
  }
}
