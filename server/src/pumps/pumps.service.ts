// Use cases of pumps: register (or replace) a patient's pump, the fleet by urgency, one pump's full page.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  assessFleetUrgency, bookingTiming, compareByUrgency, CreatePumpRequest, DomainError, FleetPump, fleetRowMatchesQuery, ForecastStatus, Pump,
  PUMP_MODELS, PumpDetail, UrgencyReason,
} from '@pumpwatch/shared';
import { DataSource, In, IsNull } from 'typeorm';
import { AuditService, changedFields, createdFields } from '../audit/audit.service';
import { Actor, assertMayUseIn, assertSees, visibleClinicIds } from '../auth/actor';
import { ClinicEntity } from '../clinics/clinic.entity';
import { toClinic } from '../clinics/clinic.mapper';
import { EventLogService } from '../events/event-log.service';
import { FillEntity } from '../fills/fill.entity';
import { toFill } from '../fills/fill.mapper';
import { forecastNowGuarded, noForecastSinceOf } from '../forecast/forecast-now';
import { reconciledIntervalsByPump } from '../forecast/reconciled-intervals';
import { ForecastService } from '../forecast/forecast.service';
import { clinicDateOf } from '../infra/clinic-dates';
import { Clock } from '../infra/clock';
import { isUuid } from '../infra/entity-id.pipe';
import { PatientEntity } from '../patients/patient.entity';
import { toPatient } from '../patients/patient.mapper';
import { ProgramEntity } from '../programs/program.entity';
import { toProgram } from '../programs/program.mapper';
import { ReportedBolusService } from '../telemetry/reported-bolus.service';
import { TelemetryStatusService } from '../telemetry/telemetry-status.service';
import { PumpEntity } from './pump.entity';
import { toPump } from './pump.mapper';
import { PumpUrgencyService } from './pump-urgency.service';
import { bookedRefillsOf, BookedRefillOfPump } from '../scheduling/booked-refills';

export interface FleetFilter { clinicId?: string; q?: string }

/** GET /api/pumps: the rows and the highest event id they reflect (read before the rows). */
export interface FleetAnswer { lastEventId: number; pumps: FleetPump[] }

/** Why a pump has no forecast, in the clinic's words ('forecast_error': the error itself). */
function statusReasonOf(status: ForecastStatus, error: string | null): string | null {
  switch (status) {
    case 'ok': return null;
    case 'no_fill': return 'no fill recorded';
    case 'no_program': return 'no program set';
    case 'forecast_error': return error ?? 'the forecast failed';
  }
}

type FieldError = { field: string; message: string };

function refuse(fields: FieldError[]): never {
  throw new DomainError('rule_violated', fields.map((f) => `${f.field} ${f.message}`).join('; '), fields);
}

@Injectable()
export class PumpsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventLogService,
    private readonly forecasts: ForecastService,
    private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
    private readonly telemetry: TelemetryStatusService,
    private readonly reportedBoluses: ReportedBolusService,
    private readonly urgency: PumpUrgencyService,
  ) {}

  async create(actor: Actor, request: CreatePumpRequest): Promise<Pump> {
    return this.dataSource.transaction(async (manager) => {
      // Locking the patient serialises two registrations for the same patient (one active pump at most).
      const patient = await manager.findOne(PatientEntity, { where: { id: request.patientId }, lock: { mode: 'pessimistic_write' } });
      if (!patient) throw DomainError.notFound('patientId', 'is not a known patient');
      assertMayUseIn(actor, 'clinical', patient.clinicId, 'patientId', 'is not a known patient');
      const clinic = await manager.findOneByOrFail(ClinicEntity, { id: patient.clinicId });
      const model = PUMP_MODELS[request.modelId];
      const now = this.clock.now();

      const fields: FieldError[] = [];
      let capacityMl: number;
      let flowRateMlPerDay: number | null = null;
      if (model.reservoirCapacityMl === null) {
        // Constant-flow pumps: capacity and flow come from the device label, nothing to default them from.
        if (request.reservoirCapacityMl === undefined) fields.push({ field: 'reservoirCapacityMl', message: 'is required for a constant-flow pump (from the device label)' });
        if (request.flowRateMlPerDay === undefined) fields.push({ field: 'flowRateMlPerDay', message: 'is required for a constant-flow pump (from the device label)' });
        capacityMl = request.reservoirCapacityMl ?? 0;
        flowRateMlPerDay = request.flowRateMlPerDay ?? null;
      } else {
        capacityMl = model.reservoirCapacityMl;
        if (request.reservoirCapacityMl !== undefined && request.reservoirCapacityMl !== capacityMl) {
          fields.push({ field: 'reservoirCapacityMl', message: `must be ${capacityMl} mL for ${model.name} (or omitted)` });
        }
        if (request.flowRateMlPerDay !== undefined) fields.push({ field: 'flowRateMlPerDay', message: 'applies only to constant-flow pumps' });
      }
      const lowReservoirAlarmMl = request.lowReservoirAlarmMl ?? model.defaultLowReservoirAlarmMl;
      if (capacityMl > 0 && lowReservoirAlarmMl >= capacityMl) {
        fields.push({ field: 'lowReservoirAlarmMl', message: `must be below the reservoir capacity (${capacityMl} mL)` });
      }
      if (request.implantDate > clinicDateOf(now, clinic.timeZone)) fields.push({ field: 'implantDate', message: 'is in the future' });
      else if (request.implantDate < patient.birthDate) fields.push({ field: 'implantDate', message: "is before the patient's birth date" });
      if (request.explantReason !== undefined && request.replacesPumpId === undefined) {
        fields.push({ field: 'explantReason', message: 'applies only with replacesPumpId (the reason the replaced pump is explanted)' });
      }
      if (fields.length > 0) refuse(fields);

      if (await manager.existsBy(PumpEntity, { serialNumber: request.serialNumber })) {
        throw DomainError.conflict('serialNumber', 'is already registered');
      }

      const active = await manager.findOneBy(PumpEntity, { patientId: patient.id, explantedAt: IsNull() });
      let replaced: PumpEntity | null = null;
      if (request.replacesPumpId !== undefined) {
        replaced = await manager.findOneBy(PumpEntity, { id: request.replacesPumpId });
        if (!replaced) throw DomainError.notFound('replacesPumpId', 'is not a known pump');
        if (!active || replaced.id !== active.id) throw DomainError.rule('replacesPumpId', "must be the patient's active pump");
      } else if (active) {
        throw DomainError.rule('replacesPumpId', `is required: the patient already has an active pump (serial ${active.serialNumber}); name it to replace it`);
      }

      if (replaced) {
        // Explant first: the partial unique index allows one active pump per patient at any moment.
        const before = toPump(replaced);
        replaced.explantedAt = now;
        replaced.explantReason = request.explantReason ?? 'replacement';
        await manager.save(replaced);
        await this.audit.record(manager, actor, { action: 'pump.explanted', entityType: 'pump', entityId: replaced.id, clinicId: clinic.id, changes: changedFields(before, toPump(replaced)) });
        await this.events.record(manager, { type: 'pump.explanted', clinicId: clinic.id, pumpId: replaced.id, payload: { explantReason: replaced.explantReason } });
      }
      const pump = await manager.save(manager.create(PumpEntity, {
        patientId: patient.id, clinicId: clinic.id, modelId: model.id, serialNumber: request.serialNumber,
        implantDate: request.implantDate, reservoirCapacityMl: capacityMl, lowReservoirAlarmMl, flowRateMlPerDay,
        explantedAt: null, explantReason: null, replacesPumpId: replaced?.id ?? null,
      }));
      await this.events.record(manager, { type: 'pump.created', clinicId: clinic.id, pumpId: pump.id, payload: { patientId: patient.id } });
      const created = toPump(pump);
      await this.audit.record(manager, actor, { action: 'pump.created', entityType: 'pump', entityId: pump.id, clinicId: clinic.id, changes: createdFields(created) });
      return created;
    });
  }

  /** Active pumps, most urgent first; explanted pumps raise nothing and are not listed. */
  async fleet(actor: Actor, filter: FleetFilter): Promise<FleetPump[]> {
    return (await this.fleetAnswer(actor, filter)).pumps;
  }

  /**
   * The fleet with the last event id it reflects: read before the data, so a socket resumed from it misses nothing. `q` matches
   * name, MRN, serial and model regardless of accents and case (shared fleetRowMatchesQuery, filtered after loading).
   */
  async fleetAnswer(actor: Actor, filter: FleetFilter): Promise<FleetAnswer> {
    const lastEventId = await this.events.lastEventId();
    const now = this.clock.now();
    if (filter.clinicId !== undefined) {
      if (!isUuid(filter.clinicId) || !(await this.dataSource.manager.existsBy(ClinicEntity, { id: filter.clinicId }))) {
        throw DomainError.notFound('clinicId', 'is not a known clinic');
      }
      assertSees(actor, filter.clinicId, 'clinicId', 'is not a known clinic');
    }
    const visible = visibleClinicIds(actor);
    const query = this.dataSource.getRepository(PumpEntity).createQueryBuilder('pump')
      .innerJoin(PatientEntity, 'patient', 'patient.id = pump.patient_id')
      .where('pump.explanted_at IS NULL');
    if (filter.clinicId) query.andWhere('pump.clinic_id = :clinicId', { clinicId: filter.clinicId });
    else if (visible !== null) query.andWhere('pump.clinic_id = ANY(:visible)', { visible });
    const manager = this.dataSource.manager;
    const allPumps = await query.getMany();
    const patientById = new Map((allPumps.length === 0 ? [] : await manager.findBy(PatientEntity, { id: In([...new Set(allPumps.map((p) => p.patientId))]) }))
      .map((p) => [p.id, p]));
    const text = filter.q?.trim() ?? '';
    const pumps = text === '' ? allPumps : allPumps.filter((pump) => {
      const patient = patientById.get(pump.patientId) as PatientEntity;
      return fleetRowMatchesQuery({ patient: { displayName: patient.displayName, mrn: patient.mrn }, pump: { serialNumber: pump.serialNumber, modelId: pump.modelId } }, text);
    });
    if (pumps.length === 0) return { lastEventId, pumps: [] };
    const pumpIds = pumps.map((p) => p.id);
    const [clinics, fills, programs, reconciliationsByPump] = await Promise.all([
      manager.findBy(ClinicEntity, { id: In([...new Set(pumps.map((p) => p.clinicId))]) }),
      manager.find(FillEntity, { where: { pumpId: In(pumpIds) }, order: { filledAt: 'ASC' } }),
      manager.find(ProgramEntity, { where: { pumpId: In(pumpIds) }, order: { effectiveFrom: 'ASC' } }),
      reconciledIntervalsByPump(manager, pumpIds),
    ]);
    const clinicById = new Map(clinics.map((c) => [c.id, c]));
    const fillsByPump = groupBy(fills, (f) => f.pumpId);
    const programsByPump = groupBy(programs, (p) => p.pumpId);
    const histories = pumps.map((pump) => ({
      pump, clinic: clinicById.get(pump.clinicId) as ClinicEntity, fills: fillsByPump.get(pump.id) ?? [], programs: programsByPump.get(pump.id) ?? [],
      reconciliations: reconciliationsByPump.get(pump.id) ?? [],
    }));
    const [telemetry, reported] = await Promise.all([this.telemetry.statusOf(pumpIds, now), this.reportedBoluses.forHistories(histories, now)]);
    // The booked refill of each pump (scheduling), judged against its deadline now: the fleet shows it beside the deadline.
    const bookedByPump = await bookedRefillsOf(manager, pumpIds);
    // Interrupted delivery, end-of-service battery, concentration mismatch, open withdrawal-risk alerts: above every deadline.
    const problems = await this.urgency.problemsOf(pumps, telemetry, manager);

    const fleet = histories.map((history): FleetPump => {
      const { pump, clinic } = history;
      const patient = patientById.get(pump.patientId) as PatientEntity;
      const pumpFills = history.fills;
      // One pump's history that cannot be forecast becomes its row's status; the other rows still answer.
      const { forecast, error } = forecastNowGuarded(history, now, false, reported.get(pump.id) ?? null);
      const noForecastSince = noForecastSinceOf(pump, forecast);
      const serverReasons: UrgencyReason[] = [...(problems.get(pump.id)?.reasons ?? [])];
      if (error !== null) serverReasons.unshift({ kind: 'forecast_error', severity: 'critical', text: `Forecast failed: ${error}` });
      const { urgency, daysLeft, urgencyReasons } = assessFleetUrgency({ status: forecast.status, refillDeadline: forecast.refillDeadline, noForecastSince, urgencyReasons: serverReasons }, now.getTime());
      const lastFill = [...pumpFills].reverse().find((f) => f.filledAt.getTime() <= now.getTime());
      return {
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
      };
    });
    fleet.sort((a, b) => compareByUrgency(a, b, now.getTime()) || a.patient.displayName.localeCompare(b.patient.displayName) || a.pump.id.localeCompare(b.pump.id));
    return { lastEventId, pumps: fleet };
  }

  async detail(actor: Actor, id: string): Promise<PumpDetail> {
    const history = await this.forecasts.loadHistory(id);
    assertSees(actor, history.pump.clinicId, 'id', 'is not a known pump');
    const patient = await this.dataSource.manager.findOneByOrFail(PatientEntity, { id: history.pump.patientId });
    const now = this.clock.now();
    const active = !history.pump.explantedAt;
    const [telemetry, reported] = active
      ? await Promise.all([this.telemetry.statusOf([id], now), this.reportedBoluses.forHistories([history], now)])
      : [new Map(), new Map()];
    return {
      pump: toPump(history.pump),
      patient: toPatient(patient),
      clinic: toClinic(history.clinic),
      fills: history.fills.map(toFill),
      programs: history.programs.map(toProgram),
      // A history that cannot be forecast shows as status 'forecast_error' (logged), not as a failed page.
      forecast: active ? forecastNowGuarded(history, now, true, reported.get(id) ?? null).forecast : null,
      telemetry: active ? telemetry.get(id) ?? null : null,
    };
  }
}

function nextAppointmentOf(booked: BookedRefillOfPump | undefined, refillDeadline: string | null): FleetPump['nextAppointment'] {
  if (!booked) return null;
  return {
    id: booked.id, startsAt: booked.startsAt, clinicianId: booked.clinicianId, overrideReason: booked.overrideReason,
    timing: refillDeadline === null ? null : bookingTiming(Date.parse(booked.startsAt), Date.parse(refillDeadline), booked.bookingMarginDays),
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
