// Use cases of pumps: register (or replace) a patient's pump, the fleet by urgency, one pump's full page.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CreatePumpRequest, DomainError, FleetPump, Pump, PUMP_MODELS, PumpDetail } from '@pumpwatch/shared';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { AuditService, changedFields, createdFields } from '../audit/audit.service';
import { Actor, assertMayUseIn, assertSees } from '../auth/actor';
import { ClinicEntity } from '../clinics/clinic.entity';
import { toClinic } from '../clinics/clinic.mapper';
import { EventLogService } from '../events/event-log.service';
import { FleetAnswer, FleetFilter, FleetReadService } from '../fleet/fleet-read.service';
import { toFill } from '../fills/fill.mapper';
import { forecastNowGuarded } from '../forecast/forecast-now';
import { ForecastService } from '../forecast/forecast.service';
import { clinicDateOf } from '../infra/clinic-dates';
import { Clock } from '../infra/clock';
import { PatientEntity } from '../patients/patient.entity';
import { toPatient } from '../patients/patient.mapper';
import { toProgram } from '../programs/program.mapper';
import { ReportedBolusService } from '../telemetry/reported-bolus.service';
import { TelemetryStatusService } from '../telemetry/telemetry-status.service';
import { PumpEntity } from './pump.entity';
import { toPump } from './pump.mapper';

export type { FleetAnswer, FleetFilter } from '../fleet/fleet-read.service';

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
    private readonly fleetRows: FleetReadService,
  ) {}

  async create(actor: Actor, request: CreatePumpRequest): Promise<Pump> {
    return this.dataSource.transaction((manager) => this.createIn(manager, actor, request));
  }

  /** Inside the caller's transaction (a spreadsheet import writes all its rows or none). */
  async createIn(manager: EntityManager, actor: Actor, request: CreatePumpRequest): Promise<Pump> {
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
      if (request.reservoirCapacityMl === undefined)
        fields.push({ field: 'reservoirCapacityMl', message: 'is required for a constant-flow pump (from the device label)' });
      if (request.flowRateMlPerDay === undefined)
        fields.push({ field: 'flowRateMlPerDay', message: 'is required for a constant-flow pump (from the device label)' });
      capacityMl = request.reservoirCapacityMl ?? 0;
      flowRateMlPerDay = request.flowRateMlPerDay ?? null;
    } else {
      capacityMl = model.reservoirCapacityMl;
      if (request.reservoirCapacityMl !== undefined && request.reservoirCapacityMl !== capacityMl) {
        fields.push({ field: 'reservoirCapacityMl', message: `must be ${capacityMl} mL for ${model.name} (or omitted)` });
      }
      if (request.flowRateMlPerDay !== undefined)
        fields.push({ field: 'flowRateMlPerDay', message: 'applies only to constant-flow pumps' });
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
      throw DomainError.rule(
        'replacesPumpId',
        `is required: the patient already has an active pump (serial ${active.serialNumber}); name it to replace it`,
      );
    }

    if (replaced) {
      // Explant first: the partial unique index allows one active pump per patient at any moment.
      const before = toPump(replaced);
      replaced.explantedAt = now;
      replaced.explantReason = request.explantReason ?? 'replacement';
      await manager.save(replaced);
      await this.audit.record(manager, actor, {
        action: 'pump.explanted',
        entityType: 'pump',
        entityId: replaced.id,
        clinicId: clinic.id,
        changes: changedFields(before, toPump(replaced)),
      });
      await this.events.record(manager, {
        type: 'pump.explanted',
        clinicId: clinic.id,
        pumpId: replaced.id,
        payload: { explantReason: replaced.explantReason },
      });
    }
    const pump = await manager.save(
      manager.create(PumpEntity, {
        patientId: patient.id,
        clinicId: clinic.id,
        modelId: model.id,
        serialNumber: request.serialNumber,
        implantDate: request.implantDate,
        reservoirCapacityMl: capacityMl,
        lowReservoirAlarmMl,
        flowRateMlPerDay,
        explantedAt: null,
        explantReason: null,
        replacesPumpId: replaced?.id ?? null,
      }),
    );
    await this.events.record(manager, { type: 'pump.created', clinicId: clinic.id, pumpId: pump.id, payload: { patientId: patient.id } });
    const created = toPump(pump);
    await this.audit.record(manager, actor, {
      action: 'pump.created',
      entityType: 'pump',
      entityId: pump.id,
      clinicId: clinic.id,
      changes: createdFields(created),
    });
    return created;
  }

  /** Active pumps, most urgent first; explanted pumps raise nothing and are not listed. */
  async fleet(actor: Actor, filter: FleetFilter): Promise<FleetPump[]> {
    return (await this.fleetAnswer(actor, filter)).pumps;
  }

  /** The fleet with the last event id it reflects, read from the fleet read model (FleetReadService.fleetRows). */
  async fleetAnswer(actor: Actor, filter: FleetFilter): Promise<FleetAnswer> {
    return this.fleetRows.fleetRows(actor, filter);
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
      telemetry: active ? (telemetry.get(id) ?? null) : null,
    };
  }
}
