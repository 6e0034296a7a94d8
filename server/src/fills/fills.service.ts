// Use cases of fills: record a refill (with the residual the previous forecast expected), list a pump's fills.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createFillSchema, DomainError, DRUG_CONFIG, Fill, PUMP_MODELS } from '@pumpwatch/shared';
import { DataSource, EntityManager } from 'typeorm';
import type { z } from 'zod';
import { AuditService, createdFields } from '../audit/audit.service';
import { DoseGuardOutcome, doseGuardAuditChanges, DoseGuardService } from '../clinical-safety/dose-guard.service';
import { DrugLibraryService } from '../drug-library/drug-library.service';
import { PatientEntity } from '../patients/patient.entity';
import type { Actor } from '../auth/actor';
import { EventLogService } from '../events/event-log.service';
import { forecastFromHistory, ForecastService, PumpHistory } from '../forecast/forecast.service';
import { clinicDateOf } from '../infra/clinic-dates';
import { Clock } from '../infra/clock';
import { ReservoirReconciliationService } from '../telemetry/reservoir-reconciliation.service';
import { FillEntity } from './fill.entity';
import { toFill } from './fill.mapper';

export type ValidFillRequest = z.output<typeof createFillSchema>;

/** Clocks of a tablet and the server drift a little; more than this ahead is a typing error. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

type FieldError = { field: string; message: string };

/** Nominal volume the forecast of the fills before `filledAt` expected at that instant; null without such a forecast. */
export function expectedResidualAt(history: PumpHistory, filledAt: Date): number | null {
  const earlierFills = history.fills.filter((f) => f.filledAt.getTime() < filledAt.getTime());
  if (earlierFills.length === 0) return null;
  const forecast = forecastFromHistory({ ...history, fills: earlierFills }, filledAt, false);
  return forecast.status === 'ok' ? forecast.volumeMl : null;
}

@Injectable()
export class FillsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventLogService,
    private readonly forecasts: ForecastService,
    private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
    private readonly reconciliations: ReservoirReconciliationService,
    private readonly doseGuard: DoseGuardService,
    private readonly drugLibrary: DrugLibraryService,
  ) {}

  async record(actor: Actor, pumpId: string, request: ValidFillRequest): Promise<Fill> {
    return this.dataSource.transaction((manager) => this.recordIn(manager, actor, pumpId, request));
  }

  /** Inside the caller's transaction (completing a refill appointment records its fill with it, or neither). */
  async recordIn(manager: EntityManager, actor: Actor, pumpId: string, request: ValidFillRequest): Promise<Fill> {
    // Locking the pump orders concurrent fills, so each expected residual reads a settled history.
    await manager.query('SELECT 1 FROM pumps WHERE id = $1 FOR UPDATE', [pumpId]);
    const history = await this.forecasts.loadHistory(pumpId, manager);
    const { pump, clinic } = history;
    if (pump.explantedAt) throw DomainError.rule('pumpId', 'is explanted: no fill can be recorded on it');

    const filledAt = new Date(request.filledAt);
    const now = this.clock.now();
    const fields: FieldError[] = [];
    if (request.volumeMl > pump.reservoirCapacityMl) {
      fields.push({ field: 'volumeMl', message: `must not exceed the reservoir capacity (${pump.reservoirCapacityMl} mL)` });
    }
    if (request.aspiratedResidualMl !== undefined && request.aspiratedResidualMl > pump.reservoirCapacityMl) {
      fields.push({ field: 'aspiratedResidualMl', message: `must not exceed the reservoir capacity (${pump.reservoirCapacityMl} mL)` });
    }
    // The implant date is a calendar date in the clinic's zone, so compare calendar dates there.
    if (clinicDateOf(filledAt, clinic.timeZone) < pump.implantDate) {
      fields.push({ field: 'filledAt', message: `is before the pump's implant date (${pump.implantDate})` });
    } else if (filledAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
      fields.push({ field: 'filledAt', message: 'is in the future' });
    }
    if (request.bridgeBolus && request.bridgeBolus.volumeMl > request.volumeMl) {
      fields.push({ field: 'bridgeBolus.volumeMl', message: 'must not exceed the volume in the reservoir after the fill' });
    }
    if (fields.length > 0) throw new DomainError('rule_violated', fields.map((f) => `${f.field} ${f.message}`).join('; '), fields);
    if (history.fills.some((f) => f.filledAt.getTime() === filledAt.getTime())) {
      throw DomainError.conflict('filledAt', 'a fill is already recorded at this instant');
    }
    // Drug library (issue 13): the concentration for this pump model and, on a constant-flow pump, the daily dose flow x concentration.
    const constantFlowDose =
      !PUMP_MODELS[pump.modelId].programmable && pump.flowRateMlPerDay !== null
        ? pump.flowRateMlPerDay * request.concentrationMcgPerMl
        : null;
    const patient = await manager.findOneByOrFail(PatientEntity, { id: pump.patientId });
    const limitOverrides = await this.drugLibrary.enforce(
      manager,
      clinic.id,
      {
        modelId: pump.modelId,
        spasticityOrigin: patient.spasticityOrigin,
        concentrationMcgPerMl: request.concentrationMcgPerMl,
        dailyDoses: constantFlowDose === null ? [] : [{ field: 'concentrationMcgPerMl', doseMcgPerDay: constantFlowDose }],
      },
      request.limitOverrideReason,
      'limitOverrideReason',
    );
    // Dose guard (issue 7): a constant-flow pump's daily dose is flow x concentration, so a new concentration changes the dose.
    let guard: DoseGuardOutcome | null = null;
    if (!PUMP_MODELS[pump.modelId].programmable && pump.flowRateMlPerDay !== null) {
      guard = await this.doseGuard.check(manager, {
        patientId: pump.patientId,
        clinicId: clinic.id,
        timeZone: clinic.timeZone,
        at: filledAt,
        newDoseMcgPerDay: pump.flowRateMlPerDay * request.concentrationMcgPerMl,
        context: 'refill_adjustment',
        reason: request.doseChangeReason,
        source: 'fill',
      });
    }

    const fill = await manager.save(
      manager.create(FillEntity, {
        pumpId: pump.id,
        filledAt,
        drug: request.drug,
        concentrationMcgPerMl: request.concentrationMcgPerMl,
        volumeMl: request.volumeMl,
        aspiratedResidualMl: request.aspiratedResidualMl ?? null,
        stabilityDays: request.stabilityDays ?? DRUG_CONFIG.defaultStabilityDays,
        bridgeBolus: request.bridgeBolus ?? null,
        expectedResidualMl: expectedResidualAt(history, filledAt),
        patientBolusCountSinceLastFill: request.patientBolusCountSinceLastFill ?? null,
        doseChangeReason: request.doseChangeReason ?? null,
        limitOverrideReason: request.limitOverrideReason ?? null,
        limitOverrides,
      }),
    );
    // In the same transaction: a refill and its reconciliation are recorded together or not at all.
    await this.reconciliations.reconcileAtFill(manager, history, fill);
    const fills = [...history.fills, fill].sort((a, b) => a.filledAt.getTime() - b.filledAt.getTime());
    await this.reviseRefillAfter(manager, actor, { ...history, fills }, fill, now);
    // Before the fill's own event: the patient's alert rows are locked before the event counter.
    if (guard) await this.doseGuard.raiseAlerts(manager, guard);
    await this.events.record(manager, { type: 'fill.recorded', clinicId: clinic.id, pumpId: pump.id, payload: { fillId: fill.id } });
    const recorded = toFill(fill);
    await this.audit.record(manager, actor, {
      action: 'fill.recorded',
      entityType: 'fill',
      entityId: fill.id,
      clinicId: clinic.id,
      changes: { ...createdFields(recorded), ...(guard ? doseGuardAuditChanges(guard) : {}) },
    });
    return recorded;
  }

  /**
   * A fill entered late (dated before a refill already recorded) is the previous fill of that refill: its expected residual and its
   * reconciliation are computed again, audited with the values they replace.
   */
  private async reviseRefillAfter(manager: EntityManager, actor: Actor, history: PumpHistory, late: FillEntity, now: Date): Promise<void> {
    const revised = await this.reconciliations.reconcileRefillAfter(manager, history, late, now);
    if (!revised) return;
    const { fill: next, superseded, current } = revised;
    const expectedResidualMl = expectedResidualAt(history, next.filledAt);
    if (!superseded && !current && expectedResidualMl === next.expectedResidualMl) return;
    if (expectedResidualMl !== next.expectedResidualMl) await manager.update(FillEntity, { id: next.id }, { expectedResidualMl });
    await this.audit.record(manager, actor, {
      action: 'fill.reconciliation_revised',
      entityType: 'fill',
      entityId: next.id,
      clinicId: history.clinic.id,
      changes: {
        reason: { before: null, after: `fill ${late.id} recorded at ${late.filledAt.toISOString()} became the previous fill` },
        previousFillId: { before: superseded?.previousFillId ?? null, after: current?.previousFillId ?? null },
        expectedResidualMl: { before: next.expectedResidualMl, after: expectedResidualMl },
        reconciledExpectedResidualMl: { before: superseded?.expectedResidualMl ?? null, after: current?.expectedResidualMl ?? null },
        differenceMl: { before: superseded?.differenceMl ?? null, after: current?.differenceMl ?? null },
        flagged: { before: superseded?.flagged ?? null, after: current?.flagged ?? null },
      },
    });
  }

  async list(pumpId: string): Promise<Fill[]> {
    const history = await this.forecasts.loadHistory(pumpId);
    return history.fills.map(toFill);
  }
}
