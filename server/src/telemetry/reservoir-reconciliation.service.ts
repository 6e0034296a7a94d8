// Reconciles the reservoir at a refill that recorded the aspirated residual, inside the fill's transaction (kept as history).
import { Injectable } from '@nestjs/common';
import { PUMP_MODELS, reconcileReservoir } from '@pumpwatch/shared';
import type { PatientBolusSource } from '@pumpwatch/shared';
import { EntityManager, IsNull } from 'typeorm';
import type { FillEntity } from '../fills/fill.entity';
import { forecastFromHistory, PumpHistory } from '../forecast/forecast.service';
import type { ProgramEntity } from '../programs/program.entity';
import { ReportedBolusService } from './reported-bolus.service';
import { ReservoirReconciliationEntity } from './reservoir-reconciliation.entity';

const ML_EPSILON = 1e-9;

function programAt(programs: ProgramEntity[], at: Date): ProgramEntity | null {
  let found: ProgramEntity | null = null;
  for (const program of programs) {
    if (program.effectiveFrom.getTime() <= at.getTime() && (!found || program.effectiveFrom.getTime() > found.effectiveFrom.getTime()))
      found = program;
  }
  return found;
}

/** The refill after a fill recorded out of order, reconciled again against it. */
export interface RecomputedReconciliation {
  fill: FillEntity;
  superseded: ReservoirReconciliationEntity | null;
  current: ReservoirReconciliationEntity | null;
}

@Injectable()
export class ReservoirReconciliationService {
  constructor(private readonly reportedBoluses: ReportedBolusService) {}

  /**
   * Expected residual = previous fill volume - nominal delivery (the previous fill's forecast at this refill) - patient boluses
   * recorded: entered at refill (the patient programmer's log), else counted by telemetry; with none recorded the expectation is
   * the range worst case..nominal. `history` is the pump's history before `fill` was added. Null when nothing can be reconciled
   * (no aspirated residual, no previous fill, or no forecast for it).
   */
  async reconcileAtFill(manager: EntityManager, history: PumpHistory, fill: FillEntity): Promise<ReservoirReconciliationEntity | null> {
    if (fill.aspiratedResidualMl === null) return null;
    const earlier = history.fills.filter((f) => f.filledAt.getTime() < fill.filledAt.getTime());
    if (earlier.length === 0) return null;
    const previous = earlier.reduce((a, b) => (b.filledAt.getTime() > a.filledAt.getTime() ? b : a));
    const forecast = forecastFromHistory({ ...history, fills: earlier }, fill.filledAt, false);
    if (forecast.status !== 'ok' || forecast.volumeMl === null || forecast.worstCaseVolumeMl === null) return null;
    const nominalResidualMl = forecast.volumeMl;
    const worstCaseResidualMl = forecast.worstCaseVolumeMl;

    let source: PatientBolusSource;
    let count: number | null = null;
    let bolusMl: number | null = null;
    if (fill.patientBolusCountSinceLastFill !== null) {
      source = 'entered';
      count = fill.patientBolusCountSinceLastFill;
      const doseMcg = programAt(history.programs, fill.filledAt)?.patientBolus?.doseMcg ?? 0;
      bolusMl = (count * doseMcg) / previous.concentrationMcgPerMl;
    } else {
      const counted = (await this.reportedBoluses.countedSince([{ history, fillId: previous.id, until: fill.filledAt }], manager)).get(
        history.pump.id,
      );
      if (counted) {
        source = 'telemetry';
        count = counted.count;
        bolusMl = counted.deliveredMcg / previous.concentrationMcgPerMl;
      } else {
        source = worstCaseResidualMl < nominalResidualMl - ML_EPSILON ? 'none_recorded' : 'not_allowed';
      }
    }
    const flowAccuracyFraction = PUMP_MODELS[history.pump.modelId].flowAccuracyFraction;
    const result = reconcileReservoir({
      previousFillVolumeMl: previous.volumeMl,
      nominalResidualMl,
      worstCaseResidualMl,
      // With no allowance there is nothing to range over: the nominal is the expectation.
      recordedPatientBolusMl: source === 'not_allowed' ? 0 : bolusMl,
      aspiratedResidualMl: fill.aspiratedResidualMl,
      flowAccuracyFraction,
    });
    return manager.save(
      manager.create(ReservoirReconciliationEntity, {
        fillId: fill.id,
        pumpId: history.pump.id,
        filledAt: fill.filledAt,
        previousFillId: previous.id,
        previousFillVolumeMl: previous.volumeMl,
        nominalResidualMl,
        worstCaseResidualMl,
        patientBolusSource: source,
        patientBolusCount: count,
        patientBolusVolumeMl: bolusMl === null ? null : Math.round(bolusMl * 1e6) / 1e6,
        expectedMinMl: result.expectedMinMl,
        expectedMaxMl: result.expectedMaxMl,
        expectedResidualMl: result.expectedResidualMl,
        expectedDeliveredMl: result.expectedDeliveredMl,
        aspiratedResidualMl: fill.aspiratedResidualMl,
        differenceMl: result.differenceMl,
        maxDifferenceMl: result.maxDifferenceMl,
        flowAccuracyFraction,
        flowAccuracyToleranceMl: result.flowAccuracyToleranceMl,
        flagged: result.flagged,
        reasons: result.reasons,
        direction: result.direction,
      }),
    );
  }

  /**
   * A fill dated before an existing refill (entered late) becomes that refill's previous fill: the refill's reconciliation is
   * computed again against it, and the old one is marked superseded (kept). Only the next refill changes: the ones after it keep
   * their own previous fill. `history` holds every fill, `late` included. Null when no refill follows `late`.
   */
  async reconcileRefillAfter(
    manager: EntityManager,
    history: PumpHistory,
    late: FillEntity,
    at: Date,
  ): Promise<RecomputedReconciliation | null> {
    const later = history.fills.filter((f) => f.filledAt.getTime() > late.filledAt.getTime());
    if (later.length === 0) return null;
    const next = later.reduce((a, b) => (b.filledAt.getTime() < a.filledAt.getTime() ? b : a));
    const superseded = await manager.findOneBy(ReservoirReconciliationEntity, { fillId: next.id, supersededAt: IsNull() });
    if (superseded) {
      await manager.update(ReservoirReconciliationEntity, { id: superseded.id }, { supersededAt: at, supersededByFillId: late.id });
    }
    const current = await this.reconcileAtFill(manager, history, next);
    return { fill: next, superseded, current };
  }
}
