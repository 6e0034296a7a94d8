// Loads what the pump rules read for many pumps at once: the forecast now, the clinic's alert settings, telemetry, the patient.
import { Injectable, Optional } from '@nestjs/common';
import { ALERT_CONFIG, BookedRefill, ClinicAlertSettings, PumpAlertInput, RefillInForce, SCHEDULING_CONFIG } from '@pumpwatch/shared';
import { EntityManager, In } from 'typeorm';
import { ClinicEntity } from '../clinics/clinic.entity';
import { DrugLibraryService } from '../drug-library/drug-library.service';
import { FillEntity } from '../fills/fill.entity';
import { forecastNowGuarded, noForecastSinceOf } from '../forecast/forecast-now';
import type { PumpHistory } from '../forecast/forecast.service';
import { reconciledIntervalsByPump } from '../forecast/reconciled-intervals';
import { PatientEntity } from '../patients/patient.entity';
import { ProgramEntity } from '../programs/program.entity';
import { PumpEntity } from '../pumps/pump.entity';
import { ReportedBolusService } from '../telemetry/reported-bolus.service';
import { TelemetryStatusService } from '../telemetry/telemetry-status.service';
import type { AlertSubjectInfo } from './alerts.repository';
import { bookedRefillsOf } from '../scheduling/booked-refills';

export interface LoadedPump {
  pumpId: string;
  clinicId: string;
  patientId: string;
  input: PumpAlertInput;
  info: AlertSubjectInfo;
  /** The fill in force now (issue 12: a refill answers the reservoir alerts raised before it); null without one. */
  refill: RefillInForce | null;
}

@Injectable()
export class AlertInputsLoader {
  constructor(
    // Optional: without the telemetry feature the telemetry rules are simply not judged (their alerts stay as they are).
    @Optional() private readonly telemetry?: TelemetryStatusService,
    @Optional() private readonly reportedBoluses?: ReportedBolusService,
    // Optional like the telemetry: without it `outside_drug_library` is not judged.
    @Optional() private readonly drugLibrary?: DrugLibraryService,
  ) {}

  /**
   * Unknown ids are left out. Reads through `manager`, so inside a transaction it sees what that transaction sees; outside one its
   * reads run in parallel on pooled connections.
   */
  async load(manager: EntityManager, pumpIds: readonly string[], now: Date): Promise<Map<string, LoadedPump>> {
    const loaded = new Map<string, LoadedPump>();
    if (pumpIds.length === 0) return loaded;
    const ids = [...pumpIds];
    // Every read keyed by the asked pump ids (the clinics and patients through them), so the pumps need no round trip of their own.
    const [pumps, { entities: clinics, raw: settingsRows }, patients, fills, programs, reconciliationsByPump, booked, statuses, libraries] =
      await readAll(manager, [
        () => manager.findBy(PumpEntity, { id: In(ids) }),
        // The clinics and their alert settings (columns the entity does not map) in one round trip.
        () =>
          manager
            .createQueryBuilder(ClinicEntity, 'c')
            .addSelect('c.alert_warning_horizon_days', 'alert_warning_horizon_days')
            .addSelect('c.booking_margin_days', 'booking_margin_days')
            .where('c.id IN (SELECT clinic_id FROM pumps WHERE id = ANY(CAST(:ids AS uuid[])))', { ids })
            .getRawAndEntities<{ c_id: string; alert_warning_horizon_days: number | null; booking_margin_days: number | null }>(),
        () =>
          manager
            .createQueryBuilder(PatientEntity, 'p')
            .where('p.id IN (SELECT patient_id FROM pumps WHERE id = ANY(CAST(:ids AS uuid[])))', { ids })
            .getMany(),
        () => manager.find(FillEntity, { where: { pumpId: In(ids) }, order: { filledAt: 'ASC' } }),
        () => manager.find(ProgramEntity, { where: { pumpId: In(ids) }, order: { effectiveFrom: 'ASC' } }),
        // The flow factor from reconciled refills (issue 13): the rules and the scheduler judge the same deadline as the fleet.
        () => reconciledIntervalsByPump(manager, ids),
        // The booked refill of each pump, which the refill rules weigh.
        () => bookedRefillsOf(manager, ids),
        // Through `manager`: a transaction waiting here for a second pooled connection, while holding pump locks that writers in the
        // pool wait for, would deadlock the pool.
        async () => (this.telemetry ? this.telemetry.statusOf(ids, now, manager) : null),
        async () => (this.drugLibrary ? this.drugLibrary.libraries(manager) : null),
      ] as const);
    if (pumps.length === 0) return loaded;
    const bookedByPump = new Map(
      [...booked].map(([pumpId, b]): [string, BookedRefill] => [
        pumpId,
        {
          id: b.id,
          startsAt: b.startsAt,
          overrideReason: b.overrideReason,
        },
      ]),
    );

    const clinicById = new Map(clinics.map((c) => [c.id, c]));
    const settingsByClinic = new Map(
      settingsRows.map((r): [string, ClinicAlertSettings] => [
        r.c_id,
        {
          warningHorizonDays: r.alert_warning_horizon_days ?? ALERT_CONFIG.defaultWarningHorizonDays,
          // The clinic's own margin, as the scheduler reads it (SchedulingRepository): one setting, one fallback.
          bookingMarginDays: r.booking_margin_days ?? SCHEDULING_CONFIG.defaultBookingMarginDays,
        },
      ]),
    );
    const patientById = new Map(patients.map((p) => [p.id, p]));
    const fillsByPump = groupBy(fills, (f) => f.pumpId);
    const programsByPump = groupBy(programs, (p) => p.pumpId);
    const histories: PumpHistory[] = pumps.map((pump) => ({
      pump,
      clinic: clinicById.get(pump.clinicId) as ClinicEntity,
      fills: fillsByPump.get(pump.id) ?? [],
      programs: programsByPump.get(pump.id) ?? [],
      reconciliations: reconciliationsByPump.get(pump.id) ?? [],
    }));
    const active = histories.filter((h) => !h.pump.explantedAt);
    const reported = this.reportedBoluses ? await this.reportedBoluses.forHistories(active, now, manager) : null;

    for (const history of histories) {
      const { pump, clinic } = history;
      const patient = patientById.get(pump.patientId) as PatientEntity;
      // A history that cannot be forecast is judged as 'forecast_error' (no_forecast names it); the other pumps are still judged.
      const { forecast, error } = forecastNowGuarded(history, now, false, reported?.get(pump.id) ?? null);
      loaded.set(pump.id, {
        pumpId: pump.id,
        clinicId: pump.clinicId,
        patientId: pump.patientId,
        // An explanted pump's alerts resolve because it was explanted, not because of its last refill.
        refill: pump.explantedAt ? null : refillInForce(history, now),
        input: {
          now: now.toISOString(),
          timeZone: clinic.timeZone,
          explanted: pump.explantedAt !== null,
          forecast,
          settings: settingsByClinic.get(pump.clinicId) as ClinicAlertSettings,
          // An explanted pump's telemetry is not judged.
          telemetryKnown: statuses !== null,
          telemetry: pump.explantedAt ? null : (statuses?.get(pump.id) ?? null),
          appointment: bookedByPump.get(pump.id) ?? null,
          appointmentStartsAt: bookedByPump.get(pump.id)?.startsAt ?? null,
          noForecastSince: noForecastSinceOf(pump, forecast),
          forecastError: error,
          drugLibrary: libraries
            ? { library: libraries.get(pump.clinicId), modelId: pump.modelId, spasticityOrigin: patient.spasticityOrigin }
            : null,
        },
        info: {
          patient: {
            id: patient.id,
            mrn: patient.mrn,
            displayName: patient.displayName,
            riskFactors: {
              spinalCordInjuryT6OrAbove: patient.spinalCordInjuryT6OrAbove,
              communicationDifficulty: patient.communicationDifficulty,
              previousWithdrawal: patient.previousWithdrawal,
            },
          },
          pump: { id: pump.id, serialNumber: pump.serialNumber, modelId: pump.modelId },
        },
      });
    }
    return loaded;
  }
}

/** The latest fill made by `now`, with when it was recorded and the clinic's zone (for the "Refill recorded at ..." note). */
function refillInForce(history: PumpHistory, now: Date): RefillInForce | null {
  let latest: FillEntity | null = null;
  for (const fill of history.fills) {
    if (fill.filledAt.getTime() <= now.getTime() && (!latest || fill.filledAt.getTime() > latest.filledAt.getTime())) latest = fill;
  }
  return latest
    ? { filledAt: latest.filledAt.toISOString(), recordedAt: latest.createdAt.toISOString(), timeZone: history.clinic.timeZone }
    : null;
}

type Reads<T extends readonly unknown[]> = { readonly [K in keyof T]: () => Promise<T[K]> };

/**
 * Independent reads: together on pooled connections (each a round trip of its own, so this costs about one instead of eight on the
 * alarm path), but one after the other on a transaction's manager, which holds a single connection.
 */
async function readAll<T extends readonly unknown[]>(manager: EntityManager, reads: Reads<T>): Promise<T> {
  if (!manager.queryRunner) return Promise.all(reads.map((read) => read())) as unknown as Promise<T>;
  const results: unknown[] = [];
  for (const read of reads) results.push(await read());
  return results as unknown as T;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
