// Downsamples old raw telemetry per clinic as the database owner (the app role cannot delete): the SQL form of readingsKeptByRetention.
import { TELEMETRY_RETENTION_CONFIG, telemetryRetentionCutoff } from '@pumpwatch/shared';
import type { ClientBase } from 'pg';

export interface TelemetryRetentionResult {
  clinicId: string;
  retentionDays: number;
  /** Readings recorded before this instant were downsampled; later ones are all kept. */
  cutoff: string;
  /** Old readings removed by this run. */
  deleted: number;
  /** Old readings (before the cutoff) the rule keeps: the last of each UTC hour, alarms, battery not ok, program changes. */
  kept: number;
}

// One statement, so the readings judged and the readings deleted are the same snapshot. Mirrors readingsKeptByRetention in shared:
// the last old reading per pump and UTC hour, any with alarms or a battery status other than 'ok', and the first reading reporting
// a dose or concentration different from the pump's previous reported one (readings not reporting the field are skipped).
const DOWNSAMPLE_SQL = `
  WITH old AS (
    SELECT r.pump_id, r.recorded_at, r.alarms, r.battery_status, r.program_dose_mcg_per_day, r.program_concentration_mcg_per_ml
    FROM telemetry_readings r JOIN pumps p ON p.id = r.pump_id
    WHERE p.clinic_id = $1 AND r.recorded_at < $2::timestamptz
  ), ranked AS (
    SELECT pump_id, recorded_at, alarms, battery_status,
      row_number() OVER (PARTITION BY pump_id, date_bin($3::interval, recorded_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') ORDER BY recorded_at DESC) AS from_last
    FROM old
  ), dose_changes AS (
    SELECT pump_id, recorded_at FROM (
      SELECT pump_id, recorded_at, program_dose_mcg_per_day AS value,
        lag(program_dose_mcg_per_day) OVER (PARTITION BY pump_id ORDER BY recorded_at) AS previous
      FROM old WHERE program_dose_mcg_per_day IS NOT NULL
    ) d WHERE d.previous IS DISTINCT FROM d.value
  ), concentration_changes AS (
    SELECT pump_id, recorded_at FROM (
      SELECT pump_id, recorded_at, program_concentration_mcg_per_ml AS value,
        lag(program_concentration_mcg_per_ml) OVER (PARTITION BY pump_id ORDER BY recorded_at) AS previous
      FROM old WHERE program_concentration_mcg_per_ml IS NOT NULL
    ) c WHERE c.previous IS DISTINCT FROM c.value
  ), kept AS (
    SELECT pump_id, recorded_at FROM ranked
    WHERE from_last = 1 OR coalesce(cardinality(alarms), 0) > 0 OR coalesce(battery_status <> 'ok', false)
    UNION SELECT pump_id, recorded_at FROM dose_changes
    UNION SELECT pump_id, recorded_at FROM concentration_changes
  ), deleted AS (
    DELETE FROM telemetry_readings t
    WHERE t.pump_id IN (SELECT id FROM pumps WHERE clinic_id = $1) AND t.recorded_at < $2::timestamptz
      AND NOT EXISTS (SELECT 1 FROM kept k WHERE k.pump_id = t.pump_id AND k.recorded_at = t.recorded_at)
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM deleted)::int AS deleted, (SELECT count(*) FROM kept)::int AS kept`;

/**
 * Downsamples every clinic with a retention setting (clinics with NULL keep everything and are not touched), one transaction
 * per clinic holding its DELETE and its audit row. `owner` must be connected as the database owner.
 */
export async function downsampleTelemetry(owner: ClientBase, now: Date): Promise<TelemetryRetentionResult[]> {
  const clinics = await owner.query<{ id: string; telemetry_retention_days: number }>(
    'SELECT id, telemetry_retention_days FROM clinics WHERE telemetry_retention_days IS NOT NULL ORDER BY id',
  );
  const results: TelemetryRetentionResult[] = [];
  for (const clinic of clinics.rows) {
    const cutoff = telemetryRetentionCutoff(now, clinic.telemetry_retention_days);
    if (cutoff === null) continue;
    await owner.query('BEGIN');
    try {
      const counts = await owner.query<{ deleted: number; kept: number }>(DOWNSAMPLE_SQL, [
        clinic.id,
        cutoff.toISOString(),
        `${TELEMETRY_RETENTION_CONFIG.bucketMinutes} minutes`,
      ]);
      const result: TelemetryRetentionResult = {
        clinicId: clinic.id,
        retentionDays: clinic.telemetry_retention_days,
        cutoff: cutoff.toISOString(),
        ...counts.rows[0],
      };
      await owner.query(
        `INSERT INTO audit_log (actor_type, actor_id, actor_label, action, entity_type, entity_id, clinic_id, changes)
         VALUES ('system', NULL, 'telemetry retention', 'telemetry.downsampled', 'clinic', $1, $2, $3::jsonb)`,
        [
          clinic.id,
          clinic.id,
          JSON.stringify({ retentionDays: result.retentionDays, cutoff: result.cutoff, deleted: result.deleted, kept: result.kept }),
        ],
      );
      await owner.query('COMMIT');
      results.push(result);
    } catch (error) {
      await owner.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
  return results;
}
