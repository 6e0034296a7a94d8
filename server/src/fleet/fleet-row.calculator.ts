// A pump's fleet row from its history (fills, programs, reconciliations, telemetry, open alerts, booking) at `now`: what the fleet
// read model stores, computed for a set of pumps in the caller's transaction.
import { Injectable } from '@nestjs/common';
import {
  assessFleetUrgency,
  bookingTiming,
  DELIVERY_INTERRUPTING_REASON_KINDS,
  FleetPump,
  foldForSearch,
  ForecastStatus,
  PUMP_MODELS,
  UrgencyReason,
} from '@pumpwatch/shared';
import { EntityManager, In, IsNull } from 'typeorm';
import { ClinicEntity } from '../clinics/clinic.entity';
import { FillEntity } from '../fills/fill.entity';
import { forecastNowGuarded, noForecastSinceOf } from '../forecast/forecast-now';
import { reconciledIntervalsByPump } from '../forecast/reconciled-intervals';
import { PatientEntity } from '../patients/patient.entity';
import { ProgramEntity } from '../programs/program.entity';
import { PumpEntity } from '../pumps/pump.entity';
import { toPump } from '../pumps/pump.mapper';
import { PumpUrgencyService } from '../pumps/pump-urgency.service';
import { bookedRefillsOf, BookedRefillOfPump } from '../scheduling/booked-refills';
import { ReportedBolusService } from '../telemetry/reported-bolus.service';
import { TelemetryStatusService } from '../telemetry/telemetry-status.service';

/**
 * The forecast's figures that FHIR Observations carry and the FleetPump does not show (the alarm instants, the reading compared),
 * so FHIR searches read rows, not histories. They do not move with the clock for the same history (unlike urgency and volume).
 */
export interface FleetForecastFacts {
  nominalLowReservoirAlarmAt: string | null;
  worstCaseLowReservoirAlarmAt: string | null;
  lowReservoirAlarmMl: number;
  /** The reading the forecast compared (recorded after the fill in force), as the forecast's reportedReservoir has it. */
  reportedReservoir: { recordedAt: string; reportedVolumeMl: number } | null;
}

/** fleet_rows.row: the FleetPump plus its forecast facts, which every reader of a FleetPump leaves out (fleetRowAt). */
export type StoredFleetRow = FleetPump & { forecastFacts?: FleetForecastFacts };

/** One computed row with the columns the fleet filters, sorts and pages on (table fleet_rows). */
export interface ComputedFleetRow {
  pumpId: string;
  clinicId: string;
  /** The FleetPump at `computedAt` with its forecast facts, without fleetRowVersion (the stored version column). */
  row: StoredFleetRow;
  computedAt: Date;
  searchText: string;
  sortName: string;
  status: ForecastStatus;
  refillDeadline: string | null;
  noForecastSince: string | null;
  deliveryInterrupted: boolean;
  volumeMl: number | null;
  /** The row's forecast facts that FHIR Observation searches filter on in SQL (FhirFleetRepository), with the pump's patient. */
  patientId: string;
  reportedReadingAt: string | null;
  nominalLowReservoirAlarmAt: string | null;
}

/** Why a pump has no forecast, in the clinic's words ('forecast_error': the error itself). */
function statusReasonOf(status: ForecastStatus, error: string | null): string | null {
  switch (status) {
    case 'ok':
      return null;
    case 'no_fill':
      return 'no fill recorded';
    case 'no_program':
      return 'no program set';
    case 'forecast_error':
      return error ?? 'the forecast failed';
  }
}

/** The texts the fleet's `q` matches (shared fleetRowMatchesQuery), folded once so SQL compares words by substring. */
export function fleetSearchTextOf(patient: { displayName: string; mrn: string }, pump: { serialNumber: string; modelId: string }): string {
  const model = PUMP_MODELS[pump.modelId as keyof typeof PUMP_MODELS];
  return foldForSearch([patient.displayName, patient.mrn, pump.serialNumber, pump.modelId, model?.name ?? ''].join('\n'));
}

/**
 * The row as a reader sees it at `nowMs`: urgency, days left and the deadline reasons re-assessed (they move with the clock); the
 * stored forecast facts are not part of a FleetPump.
 */
export function fleetRowAt(stored: StoredFleetRow, version: number, nowMs: number): FleetPump {
  const row: StoredFleetRow = { ...stored };
  delete row.forecastFacts;
  return { ...row, ...assessFleetUrgency(row, nowMs), fleetRowVersion: version };
}

@Injectable()
export class FleetRowCalculator {
  constructor(
    private readonly telemetry: TelemetryStatusService,
    private readonly reportedBoluses: ReportedBolusService,
    private readonly urgency: PumpUrgencyService,
  ) {}

  /** The rows of the ACTIVE pumps among `pumpIds` at `now` (explanted or unknown ids are absent from the answer). */
  async compute(manager: EntityManager, pumpIds: readonly string[], now: Date): Promise<Map<string, ComputedFleetRow>> {
    const computed = new Map<string, ComputedFleetRow>();
    if (pumpIds.length === 0) return computed;
    const pumps = await manager.findBy(PumpEntity, { id: In([...new Set(pumpIds)]), explantedAt: IsNull() });
    if (pumps.length === 0) return computed;
    const ids = pumps.map((p) => p.id);
    // One after the other: inside a transaction every query shares one connection.
    const patients = await manager.findBy(PatientEntity, { id: In([...new Set(pumps.map((p) => p.patientId))]) });
    const clinics = await manager.findBy(ClinicEntity, { id: In([...new Set(pumps.map((p) => p.clinicId))]) });
    const fills = await manager.find(FillEntity, { where: { pumpId: In(ids) }, order: { filledAt: 'ASC' } });
    const programs = await manager.find(ProgramEntity, { where: { pumpId: In(ids) }, order: { effectiveFrom: 'ASC' } });
    const reconciliationsByPump = await reconciledIntervalsByPump(manager, ids);
    const patientById = new Map(patients.map((p) => [p.id, p]));
    const clinicById = new Map(clinics.map((c) => [c.id, c]));
    const fillsByPump = groupBy(fills, (f) => f.pumpId);
    const programsByPump = groupBy(programs, (p) => p.pumpId);
    const histories = pumps.map((pump) => ({
      pump,
      clinic: clinicById.get(pump.clinicId) as ClinicEntity,
      fills: fillsByPump.get(pump.id) ?? [],
      programs: programsByPump.get(pump.id) ?? [],
      reconciliations: reconciliationsByPump.get(pump.id) ?? [],
    }));
    const telemetry = await this.telemetry.statusOf(ids, now, manager);
    const reported = await this.reportedBoluses.forHistories(histories, now, manager);
    // The booked refill of each pump (scheduling), judged against its deadline: the fleet shows it beside the deadline.
    const bookedByPump = await bookedRefillsOf(manager, ids);
    // Interrupted delivery, end-of-service battery, concentration mismatch, open withdrawal-risk alerts: above every deadline.
    const problems = await this.urgency.problemsOf(pumps, telemetry, manager);

    for (const history of histories) {
      const { pump, clinic } = history;
      const patient = patientById.get(pump.patientId) as PatientEntity;
      // One pump's history that cannot be forecast becomes its row's status; the other rows still answer.
      const { forecast, error } = forecastNowGuarded(history, now, false, reported.get(pump.id) ?? null);
      const noForecastSince = noForecastSinceOf(pump, forecast);
      const serverReasons: UrgencyReason[] = [...(problems.get(pump.id)?.reasons ?? [])];
      if (error !== null) serverReasons.unshift({ kind: 'forecast_error', severity: 'critical', text: `Forecast failed: ${error}` });
      const { urgency, daysLeft, urgencyReasons } = assessFleetUrgency(
        { status: forecast.status, refillDeadline: forecast.refillDeadline, noForecastSince, urgencyReasons: serverReasons },
        now.getTime(),
      );
      const lastFill = [...history.fills].reverse().find((f) => f.filledAt.getTime() <= now.getTime());
      const row: StoredFleetRow = {
        pump: toPump(pump),
        patient: { id: patient.id, mrn: patient.mrn, displayName: patient.displayName },
        clinic: { id: clinic.id, name: clinic.name, timeZone: clinic.timeZone },
        status: forecast.status,
        statusReason: statusReasonOf(forecast.status, error),
        urgency,
        urgencyReasons,
        noForecastSince,
        volumeMl: forecast.volumeMl,
        refillDeadline: forecast.refillDeadline,
        deadlineReason: forecast.deadlineReason,
        daysLeft,
        concentrationMcgPerMl: forecast.concentrationMcgPerMl,
        doseMcgPerDay: forecast.doseMcgPerDay,
        lastFilledAt: lastFill ? lastFill.filledAt.toISOString() : null,
        telemetry: telemetry.get(pump.id) ?? null,
        nextAppointment: nextAppointmentOf(bookedByPump.get(pump.id), forecast.refillDeadline),
        forecastFacts: {
          nominalLowReservoirAlarmAt: forecast.nominal.lowReservoirAlarmAt,
          worstCaseLowReservoirAlarmAt: forecast.worstCase.lowReservoirAlarmAt,
          lowReservoirAlarmMl: forecast.lowReservoirAlarmMl,
          reportedReservoir: forecast.reportedReservoir
            ? { recordedAt: forecast.reportedReservoir.recordedAt, reportedVolumeMl: forecast.reportedReservoir.reportedVolumeMl }
            : null,
        },
      };
      computed.set(pump.id, {
        pumpId: pump.id,
        clinicId: pump.clinicId,
        row,
        computedAt: now,
        searchText: fleetSearchTextOf(patient, pump),
        sortName: foldForSearch(patient.displayName),
        status: forecast.status,
        refillDeadline: forecast.refillDeadline,
        noForecastSince,
        deliveryInterrupted: serverReasons.some((r) => DELIVERY_INTERRUPTING_REASON_KINDS.has(r.kind)),
        volumeMl: forecast.volumeMl,
        patientId: pump.patientId,
        reportedReadingAt: forecast.reportedReservoir?.recordedAt ?? null,
        nominalLowReservoirAlarmAt: forecast.nominal.lowReservoirAlarmAt,
      });
    }
    return computed;
  }
}

function nextAppointmentOf(booked: BookedRefillOfPump | undefined, refillDeadline: string | null): FleetPump['nextAppointment'] {
  if (!booked) return null;
  return {
    id: booked.id,
    startsAt: booked.startsAt,
    clinicianId: booked.clinicianId,
    overrideReason: booked.overrideReason,
    timing:
      refillDeadline === null ? null : bookingTiming(Date.parse(booked.startsAt), Date.parse(refillDeadline), booked.bookingMarginDays),
  };
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
