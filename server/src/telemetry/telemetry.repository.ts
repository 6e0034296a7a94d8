// The only SQL of telemetry: bulk insert of readings, the facts a pump's status needs, bolus counts, readings and reconciliations.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  BatteryStatus,
  ClinicTelemetrySettings,
  PumpAlarmCode,
  PumpModelId,
  PumpTelemetryFacts,
  ReconciliationDirection,
  TELEMETRY_CONFIG,
  ValidTelemetryReading,
} from '@pumpwatch/shared';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { ReservoirReconciliationEntity } from './reservoir-reconciliation.entity';
import { TelemetryReadingEntity } from './telemetry-reading.entity';

/** A pump a serial number names, with what ingest validation needs. */
export interface PumpOfSerial {
  pumpId: string;
  clinicId: string;
  serialNumber: string;
  implantDate: string;
  timeZone: string;
  /** Largest volume the reservoir holds: a reported volume above it is implausible. */
  reservoirCapacityMl: number;
}

/** A reading ready for the bulk insert. */
export interface ReadingRow {
  pumpId: string;
  reading: ValidTelemetryReading;
}

/** Patient-bolus counter readings around a fill: the baseline at or just before it and the latest count up to `until`. */
export interface BolusCount {
  pumpId: string;
  baselineAt: Date;
  countedUntil: Date;
  count: number;
}

const iso = (value: Date | null): string | null => (value === null ? null : value.toISOString());

interface FactsRow {
  pump_id: string;
  model_id: PumpModelId;
  implant_date: string;
  time_zone: string;
  telemetry_stale_after_hours: number;
  replacement_margin_days: number;
  program_mismatch_tolerance_percent: number;
  program_mismatch_tolerance_mcg_per_day: number;
  telemetry_retention_days: number | null;
  last_contact_at: Date | null;
  readings_last_7_days: number;
  readings_before_last_contact: number;
  battery_status: BatteryStatus | null;
  battery_at: Date | null;
  alarms: PumpAlarmCode[] | null;
  alarms_at: Date | null;
  dose: number | null;
  dose_at: Date | null;
  concentration: number | null;
  concentration_at: Date | null;
  volume: number | null;
  volume_at: Date | null;
  first_eri_at: Date | null;
  first_end_of_service_at: Date | null;
  program_dose: number | null;
  program_effective_from: Date | null;
  fill_concentration: number | null;
  fill_filled_at: Date | null;
  pending_mri: string[];
}

@Injectable()
export class TelemetryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Pumps named by these serial numbers (every clinic: the caller decides what the actor may see). */
  async pumpsOfSerials(serialNumbers: string[], manager: EntityManager = this.dataSource.manager): Promise<Map<string, PumpOfSerial>> {
    const rows: {
      id: string;
      clinic_id: string;
      serial_number: string;
      implant_date: string;
      time_zone: string;
      reservoir_capacity_ml: number;
    }[] = await manager.query(
      `SELECT p.id, p.clinic_id, p.serial_number, p.implant_date::text AS implant_date, c.time_zone, p.reservoir_capacity_ml
       FROM pumps p JOIN clinics c ON c.id = p.clinic_id WHERE p.serial_number = ANY($1::text[])`,
      [serialNumbers],
    );
    return new Map(
      rows.map((r) => [
        r.serial_number,
        {
          pumpId: r.id,
          clinicId: r.clinic_id,
          serialNumber: r.serial_number,
          implantDate: r.implant_date,
          timeZone: r.time_zone,
          reservoirCapacityMl: r.reservoir_capacity_ml,
        },
      ]),
    );
  }

  /**
   * One round trip: the readings travel as one array per column and are unnested by PostgreSQL; a reading already stored
   * (same pump and recordedAt) is skipped. Answers how many were new per pump.
   */
  async insertReadings(manager: EntityManager, unsorted: ReadingRow[], receivedAt: Date): Promise<Map<string, number>> {
    // In key order, so two concurrent batches touching the same pumps take their row locks in the same order (no deadlock).
    const rows = unsorted
      .map((row) => ({ ...row, ms: Date.parse(row.reading.recordedAt) }))
      .sort((a, b) => (a.pumpId < b.pumpId ? -1 : a.pumpId > b.pumpId ? 1 : a.ms - b.ms));
    const n = rows.length;
    const pumpIds = new Array<string>(n);
    const recordedAts = new Array<string>(n);
    const volumes = new Array<number | null>(n);
    const alarms = new Array<string | null>(n);
    const batteries = new Array<string | null>(n);
    const doses = new Array<number | null>(n);
    const concentrations = new Array<number | null>(n);
    const bolusCounts = new Array<number | null>(n);
    for (let i = 0; i < n; i++) {
      const { pumpId, reading } = rows[i];
      pumpIds[i] = pumpId;
      recordedAts[i] = reading.recordedAt;
      volumes[i] = reading.reservoirVolumeMl ?? null;
      // Alarm lists differ in length, so each travels as one comma-joined string (codes contain no comma); '' is "none active".
      alarms[i] = reading.alarms == null ? null : [...new Set(reading.alarms)].join(',');
      batteries[i] = reading.batteryStatus ?? null;
      doses[i] = reading.programDoseMcgPerDay ?? null;
      concentrations[i] = reading.programConcentrationMcgPerMl ?? null;
      bolusCounts[i] = reading.patientBolusCountTotal ?? null;
    }
    // One statement: the new readings, then the latest value of each field per pump from those new readings (a late batch of
    // older readings never replaces a newer value), then how many were new per pump.
    const result: { pump_id: string; n: number }[] = await manager.query(
      `WITH inserted AS (
         INSERT INTO telemetry_readings (pump_id, recorded_at, received_at, reservoir_volume_ml, alarms, battery_status,
           program_dose_mcg_per_day, program_concentration_mcg_per_ml, patient_bolus_count_total)
         SELECT r.pump_id, r.recorded_at, $9, r.volume, CASE WHEN r.alarms IS NULL THEN NULL WHEN r.alarms = '' THEN '{}'::text[] ELSE string_to_array(r.alarms, ',') END,
           r.battery, r.dose, r.concentration, r.bolus_count
         FROM unnest($1::uuid[], $2::timestamptz[], $3::float8[], $4::text[], $5::text[], $6::float8[], $7::float8[], $8::bigint[])
           AS r(pump_id, recorded_at, volume, alarms, battery, dose, concentration, bolus_count)
         ON CONFLICT ON CONSTRAINT telemetry_readings_pkey DO NOTHING
         RETURNING pump_id, recorded_at, reservoir_volume_ml, alarms, battery_status, program_dose_mcg_per_day, program_concentration_mcg_per_ml
       ), per_pump AS (
         SELECT pump_id, count(*)::int AS n, max(recorded_at) AS last_contact_at,
           (array_agg(battery_status ORDER BY recorded_at DESC) FILTER (WHERE battery_status IS NOT NULL))[1] AS battery_status,
           max(recorded_at) FILTER (WHERE battery_status IS NOT NULL) AS battery_at,
           (array_agg(array_to_string(alarms, ',') ORDER BY recorded_at DESC) FILTER (WHERE alarms IS NOT NULL))[1] AS alarms,
           max(recorded_at) FILTER (WHERE alarms IS NOT NULL) AS alarms_at,
           (array_agg(program_dose_mcg_per_day ORDER BY recorded_at DESC) FILTER (WHERE program_dose_mcg_per_day IS NOT NULL))[1] AS dose,
           max(recorded_at) FILTER (WHERE program_dose_mcg_per_day IS NOT NULL) AS dose_at,
           (array_agg(program_concentration_mcg_per_ml ORDER BY recorded_at DESC) FILTER (WHERE program_concentration_mcg_per_ml IS NOT NULL))[1] AS concentration,
           max(recorded_at) FILTER (WHERE program_concentration_mcg_per_ml IS NOT NULL) AS concentration_at,
           (array_agg(reservoir_volume_ml ORDER BY recorded_at DESC) FILTER (WHERE reservoir_volume_ml IS NOT NULL))[1] AS volume,
           max(recorded_at) FILTER (WHERE reservoir_volume_ml IS NOT NULL) AS volume_at,
           min(recorded_at) FILTER (WHERE battery_status IN ('eri', 'end_of_service') OR alarms && ARRAY['eri', 'end_of_service']::text[]) AS first_eri_at,
           min(recorded_at) FILTER (WHERE battery_status = 'end_of_service' OR alarms && ARRAY['end_of_service']::text[]) AS first_end_of_service_at
         FROM inserted GROUP BY pump_id
       ), latest AS (
         INSERT INTO pump_telemetry_latest AS t (pump_id, last_contact_at, battery_status, battery_at, alarms, alarms_at, program_dose_mcg_per_day,
           program_dose_at, program_concentration_mcg_per_ml, program_concentration_at, reservoir_volume_ml, reservoir_volume_at,
           first_eri_at, first_end_of_service_at)
         SELECT pump_id, last_contact_at, battery_status, battery_at, CASE WHEN alarms IS NULL THEN NULL WHEN alarms = '' THEN '{}'::text[] ELSE string_to_array(alarms, ',') END,
           alarms_at, dose, dose_at, concentration, concentration_at, volume, volume_at, first_eri_at, first_end_of_service_at
         FROM per_pump ORDER BY pump_id
         ON CONFLICT (pump_id) DO UPDATE SET
           last_contact_at = greatest(t.last_contact_at, EXCLUDED.last_contact_at),
           battery_status = CASE WHEN EXCLUDED.battery_at > t.battery_at OR t.battery_at IS NULL THEN coalesce(EXCLUDED.battery_status, t.battery_status) ELSE t.battery_status END,
           battery_at = greatest(t.battery_at, EXCLUDED.battery_at),
           alarms = CASE WHEN EXCLUDED.alarms_at > t.alarms_at OR t.alarms_at IS NULL THEN coalesce(EXCLUDED.alarms, t.alarms) ELSE t.alarms END,
           alarms_at = greatest(t.alarms_at, EXCLUDED.alarms_at),
           program_dose_mcg_per_day = CASE WHEN EXCLUDED.program_dose_at > t.program_dose_at OR t.program_dose_at IS NULL THEN coalesce(EXCLUDED.program_dose_mcg_per_day, t.program_dose_mcg_per_day) ELSE t.program_dose_mcg_per_day END,
           program_dose_at = greatest(t.program_dose_at, EXCLUDED.program_dose_at),
           program_concentration_mcg_per_ml = CASE WHEN EXCLUDED.program_concentration_at > t.program_concentration_at OR t.program_concentration_at IS NULL
             THEN coalesce(EXCLUDED.program_concentration_mcg_per_ml, t.program_concentration_mcg_per_ml) ELSE t.program_concentration_mcg_per_ml END,
           program_concentration_at = greatest(t.program_concentration_at, EXCLUDED.program_concentration_at),
           reservoir_volume_ml = CASE WHEN EXCLUDED.reservoir_volume_at > t.reservoir_volume_at OR t.reservoir_volume_at IS NULL THEN coalesce(EXCLUDED.reservoir_volume_ml, t.reservoir_volume_ml) ELSE t.reservoir_volume_ml END,
           reservoir_volume_at = greatest(t.reservoir_volume_at, EXCLUDED.reservoir_volume_at),
           first_eri_at = least(t.first_eri_at, EXCLUDED.first_eri_at),
           first_end_of_service_at = least(t.first_end_of_service_at, EXCLUDED.first_end_of_service_at)
       )
       SELECT pump_id, n FROM per_pump`,
      [pumpIds, recordedAts, volumes, alarms, batteries, doses, concentrations, bolusCounts, receivedAt],
    );
    return new Map(result.map((r) => [r.pump_id, r.n]));
  }

  /**
   * Everything a pump's telemetry status is derived from, for many pumps in one query. `now` is the status instant: the 7-day
   * counts take readings up to the future tolerance after it (ingest accepts them); the latest values are the latest stored.
   */
  async statusFacts(pumpIds: string[], now: Date, manager: EntityManager = this.dataSource.manager): Promise<PumpTelemetryFacts[]> {
    if (pumpIds.length === 0) return [];
    const horizon = new Date(now.getTime() + TELEMETRY_CONFIG.futureToleranceMinutes * 60_000);
    const windowDays = TELEMETRY_CONFIG.monitoredWindowDays;
    const rows: FactsRow[] = await manager.query(
      `SELECT p.id AS pump_id, p.model_id, p.implant_date::text AS implant_date, c.time_zone,
         c.telemetry_stale_after_hours, c.replacement_margin_days, c.program_mismatch_tolerance_percent,
         c.program_mismatch_tolerance_mcg_per_day, c.telemetry_retention_days,
         l.last_contact_at,
         (SELECT count(*)::int FROM telemetry_readings r
           WHERE r.pump_id = p.id AND r.recorded_at > $2::timestamptz - make_interval(days => $4) AND r.recorded_at <= $3) AS readings_last_7_days,
         CASE WHEN l.last_contact_at IS NULL THEN 0 ELSE (SELECT count(*)::int FROM telemetry_readings r
           WHERE r.pump_id = p.id AND r.recorded_at > l.last_contact_at - make_interval(days => $4) AND r.recorded_at <= l.last_contact_at) END AS readings_before_last_contact,
         l.battery_status, l.battery_at, l.alarms, l.alarms_at, l.program_dose_mcg_per_day AS dose, l.program_dose_at AS dose_at,
         l.program_concentration_mcg_per_ml AS concentration, l.program_concentration_at AS concentration_at,
         l.reservoir_volume_ml AS volume, l.reservoir_volume_at AS volume_at, l.first_eri_at, l.first_end_of_service_at,
         program.dose_mcg_per_day AS program_dose, program.effective_from AS program_effective_from,
         fill.concentration_mcg_per_ml AS fill_concentration, fill.filled_at AS fill_filled_at,
         (SELECT coalesce(array_agg(e.id::text ORDER BY e.at, e.created_at), '{}') FROM pump_events e
           WHERE e.pump_id = p.id AND e.kind = 'mri' AND e.cleared_at IS NULL) AS pending_mri
       FROM pumps p
       JOIN clinics c ON c.id = p.clinic_id
       LEFT JOIN pump_telemetry_latest l ON l.pump_id = p.id
       LEFT JOIN LATERAL (
         SELECT g.dose_mcg_per_day, g.effective_from FROM programs g WHERE g.pump_id = p.id AND g.effective_from <= $2
         ORDER BY g.effective_from DESC LIMIT 1
       ) program ON true
       LEFT JOIN LATERAL (
         SELECT f.concentration_mcg_per_ml, f.filled_at FROM fills f WHERE f.pump_id = p.id AND f.filled_at <= $2
         ORDER BY f.filled_at DESC LIMIT 1
       ) fill ON true
       WHERE p.id = ANY($1::uuid[])`,
      [pumpIds, now, horizon, windowDays],
    );
    // The caller's manager: inside an evaluation or a fill, the same transaction (and connection) as the facts above.
    const reconciliations = await manager.find(ReservoirReconciliationEntity, {
      where: { pumpId: In(pumpIds), supersededAt: IsNull() },
      order: { filledAt: 'ASC' },
    });
    const reconciliationsByPump = new Map<string, ReservoirReconciliationEntity[]>();
    for (const r of reconciliations) {
      const list = reconciliationsByPump.get(r.pumpId);
      if (list) list.push(r);
      else reconciliationsByPump.set(r.pumpId, [r]);
    }
    return rows.map((row): PumpTelemetryFacts => {
      const settings: ClinicTelemetrySettings = {
        staleAfterHours: row.telemetry_stale_after_hours,
        replacementMarginDays: row.replacement_margin_days,
        programMismatchTolerancePercent: row.program_mismatch_tolerance_percent,
        programMismatchToleranceMcgPerDay: row.program_mismatch_tolerance_mcg_per_day,
        telemetryRetentionDays: row.telemetry_retention_days,
      };
      const reported = <T>(value: T | null, at: Date | null) =>
        value === null || at === null ? null : { value, recordedAt: at.toISOString() };
      return {
        pumpId: row.pump_id,
        modelId: row.model_id,
        implantDate: row.implant_date,
        timeZone: row.time_zone,
        settings,
        lastContactAt: iso(row.last_contact_at),
        readingsLast7Days: row.readings_last_7_days,
        readingsInWindowBeforeLastContact: row.readings_before_last_contact,
        latestBatteryStatus: reported(row.battery_status, row.battery_at),
        latestAlarms: reported(row.alarms, row.alarms_at),
        latestProgramDoseMcgPerDay: reported(row.dose, row.dose_at),
        latestProgramConcentrationMcgPerMl: reported(row.concentration, row.concentration_at),
        latestReservoirVolumeMl: reported(row.volume, row.volume_at),
        firstEriAt: iso(row.first_eri_at),
        firstEndOfServiceAt: iso(row.first_end_of_service_at),
        programInForce:
          row.program_dose === null || row.program_effective_from === null
            ? null
            : { doseMcgPerDay: row.program_dose, effectiveFrom: row.program_effective_from.toISOString() },
        fillInForce:
          row.fill_concentration === null || row.fill_filled_at === null
            ? null
            : { concentrationMcgPerMl: row.fill_concentration, filledAt: row.fill_filled_at.toISOString() },
        reconciliations: (reconciliationsByPump.get(row.pump_id) ?? []).map((r) => ({
          fillId: r.fillId,
          filledAt: r.filledAt.toISOString(),
          expectedResidualMl: r.expectedResidualMl,
          aspiratedResidualMl: r.aspiratedResidualMl,
          differenceMl: r.differenceMl,
          flagged: r.flagged,
          direction: r.direction as ReconciliationDirection | null,
          reasons: r.reasons,
        })),
        pendingMriEventIds: row.pending_mri,
      };
    });
  }

  /**
   * The pump's cumulative patient-bolus counter from a baseline at or shortly before each fill to the latest reading after it and
   * up to `until`. A pump without such readings, or whose counter went backwards (reset), has no count.
   */
  async bolusCounts(
    requests: { pumpId: string; filledAt: Date; until: Date }[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, BolusCount>> {
    if (requests.length === 0) return new Map();
    const rows: { pump_id: string; baseline_at: Date; baseline: string; counted_until: Date; final: string }[] = await manager.query(
      `SELECT q.pump_id, base.recorded_at AS baseline_at, base.patient_bolus_count_total AS baseline,
         fin.recorded_at AS counted_until, fin.patient_bolus_count_total AS final
       FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) AS q(pump_id, filled_at, until_at)
       JOIN LATERAL (
         SELECT r.recorded_at, r.patient_bolus_count_total FROM telemetry_readings r
         WHERE r.pump_id = q.pump_id AND r.patient_bolus_count_total IS NOT NULL
           AND r.recorded_at <= q.filled_at AND r.recorded_at >= q.filled_at - make_interval(hours => $4)
         ORDER BY r.recorded_at DESC LIMIT 1
       ) base ON true
       JOIN LATERAL (
         SELECT r.recorded_at, r.patient_bolus_count_total FROM telemetry_readings r
         WHERE r.pump_id = q.pump_id AND r.patient_bolus_count_total IS NOT NULL AND r.recorded_at > q.filled_at AND r.recorded_at <= q.until_at
         ORDER BY r.recorded_at DESC LIMIT 1
       ) fin ON true`,
      [
        requests.map((r) => r.pumpId),
        requests.map((r) => r.filledAt),
        requests.map((r) => r.until),
        TELEMETRY_CONFIG.patientBolusBaselineMaxGapHours,
      ],
    );
    const counts = new Map<string, BolusCount>();
    for (const row of rows) {
      const count = Number(row.final) - Number(row.baseline);
      if (count >= 0) counts.set(row.pump_id, { pumpId: row.pump_id, baselineAt: row.baseline_at, countedUntil: row.counted_until, count });
    }
    return counts;
  }

  /**
   * The latest reading with a reservoir volume recorded after each fill and up to `until` (issue 12: the pump's own estimate since
   * the fill in force; one recorded at or before the fill describes the reservoir before the refill). Pumps without one are absent.
   */
  async reservoirReports(
    requests: { pumpId: string; filledAt: Date; until: Date }[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, { recordedAt: Date; volumeMl: number }>> {
    if (requests.length === 0) return new Map();
    const rows: { pump_id: string; recorded_at: Date; reservoir_volume_ml: number }[] = await manager.query(
      `SELECT q.pump_id, r.recorded_at, r.reservoir_volume_ml
       FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) AS q(pump_id, filled_at, until_at)
       JOIN LATERAL (
         SELECT r.recorded_at, r.reservoir_volume_ml FROM telemetry_readings r
         WHERE r.pump_id = q.pump_id AND r.reservoir_volume_ml IS NOT NULL AND r.recorded_at > q.filled_at AND r.recorded_at <= q.until_at
         ORDER BY r.recorded_at DESC LIMIT 1
       ) r ON true`,
      [requests.map((r) => r.pumpId), requests.map((r) => r.filledAt), requests.map((r) => r.until)],
    );
    return new Map(rows.map((row) => [row.pump_id, { recordedAt: row.recorded_at, volumeMl: Number(row.reservoir_volume_ml) }]));
  }

  /** Readings of a pump in [from, to], the latest `limit` of them, oldest first; `truncated` when more fall in the window. */
  async readings(pumpId: string, from: Date, to: Date, limit: number): Promise<{ readings: TelemetryReadingEntity[]; truncated: boolean }> {
    const rows = await this.dataSource.manager
      .createQueryBuilder(TelemetryReadingEntity, 'r')
      .where('r.pump_id = :pumpId AND r.recorded_at >= :from AND r.recorded_at <= :to', { pumpId, from, to })
      .orderBy('r.recorded_at', 'DESC')
      .limit(limit + 1)
      .getMany();
    const truncated = rows.length > limit;
    return { readings: rows.slice(0, limit).reverse(), truncated };
  }

  /** The current reconciliation of each refill (a superseded one was computed against a previous fill that is no longer so). */
  async reconciliations(pumpId: string): Promise<ReservoirReconciliationEntity[]> {
    return this.dataSource.manager.find(ReservoirReconciliationEntity, {
      where: { pumpId, supersededAt: IsNull() },
      order: { filledAt: 'ASC' },
    });
  }
}
