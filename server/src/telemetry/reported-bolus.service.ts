// What the pumps reported that the forecast uses: patient boluses delivered (their cumulative counters, converted to mcg for the
// forecast and the reconciliation) and the pump's own reservoir estimate since the fill (issue 12).
import { Injectable } from '@nestjs/common';
import type { ReportedPatientBoluses } from '@pumpwatch/shared';
import type { EntityManager } from 'typeorm';
import type { PumpHistory, ReportedForForecast } from '../forecast/forecast.service';
import type { ProgramEntity } from '../programs/program.entity';
import { TelemetryRepository } from './telemetry.repository';

/** Counted boluses between a fill and a later instant, with their dose. */
export interface CountedBoluses {
  count: number;
  countedUntil: Date;
  /** count x the patient-bolus dose of the program in force at the count (a program change inside the interval is not split). */
  deliveredMcg: number;
}

/** The program in force at an instant: the latest whose effectiveFrom is not after it. */
function programAt(programs: ProgramEntity[], at: Date): ProgramEntity | null {
  let found: ProgramEntity | null = null;
  for (const program of programs) {
    if (program.effectiveFrom.getTime() <= at.getTime() && (!found || program.effectiveFrom.getTime() > found.effectiveFrom.getTime()))
      found = program;
  }
  return found;
}

@Injectable()
export class ReportedBolusService {
  constructor(private readonly repository: TelemetryRepository) {}

  /** Boluses counted from the fill `fillId` of each history up to `until`. */
  async countedSince(
    requests: { history: PumpHistory; fillId: string; until: Date }[],
    manager?: EntityManager,
  ): Promise<Map<string, CountedBoluses>> {
    const byPump = new Map<string, { history: PumpHistory; filledAt: Date; until: Date }>();
    for (const request of requests) {
      const fill = request.history.fills.find((f) => f.id === request.fillId);
      if (fill) byPump.set(request.history.pump.id, { history: request.history, filledAt: fill.filledAt, until: request.until });
    }
    const counts = await this.repository.bolusCounts(
      [...byPump.entries()].map(([pumpId, r]) => ({ pumpId, filledAt: r.filledAt, until: r.until })),
      manager,
    );
    const result = new Map<string, CountedBoluses>();
    for (const [pumpId, count] of counts) {
      const request = byPump.get(pumpId);
      if (!request) continue;
      const doseMcg = programAt(request.history.programs, count.countedUntil)?.patientBolus?.doseMcg ?? 0;
      result.set(pumpId, { count: count.count, countedUntil: count.countedUntil, deliveredMcg: count.count * doseMcg });
    }
    return result;
  }

  /**
   * For the forecast at `at`, per pump: the boluses reported since the fill in force then and the latest reservoir volume reported
   * after that fill (pumps with neither are absent). Fleet, pump page, forecast route and alert rules all take it from here.
   */
  async forHistories(histories: PumpHistory[], at: Date, manager?: EntityManager): Promise<Map<string, ReportedForForecast>> {
    const requests: { history: PumpHistory; fillId: string; until: Date }[] = [];
    for (const history of histories) {
      let fillInForce: string | null = null;
      let fillInForceMs = Number.NEGATIVE_INFINITY;
      for (const fill of history.fills) {
        const ms = fill.filledAt.getTime();
        if (ms <= at.getTime() && ms > fillInForceMs) {
          fillInForce = fill.id;
          fillInForceMs = ms;
        }
      }
      if (fillInForce && !history.pump.explantedAt) requests.push({ history, fillId: fillInForce, until: at });
    }
    const countRead = () => this.countedSince(requests, manager);
    const volumeRead = () =>
      this.repository.reservoirReports(
        requests.map((r) => ({
          pumpId: r.history.pump.id,
          filledAt: (r.history.fills.find((f) => f.id === r.fillId) as PumpHistory['fills'][number]).filledAt,
          until: r.until,
        })),
        manager,
      );
    // One after the other inside a transaction (its manager holds a single connection); together on pooled connections otherwise.
    const [counted, volumes] = manager?.queryRunner
      ? [await countRead(), await volumeRead()]
      : await Promise.all([countRead(), volumeRead()]);
    const reports = new Map<string, ReportedForForecast>();
    for (const request of requests) {
      const count = counted.get(request.history.pump.id);
      const volume = volumes.get(request.history.pump.id);
      const patientBoluses: ReportedPatientBoluses | null = count
        ? { fillId: request.fillId, countedUntil: count.countedUntil.toISOString(), deliveredMcg: count.deliveredMcg }
        : null;
      if (patientBoluses || volume) {
        reports.set(request.history.pump.id, {
          patientBoluses,
          reservoir: volume ? { recordedAt: volume.recordedAt.toISOString(), volumeMl: volume.volumeMl } : null,
        });
      }
    }
    return reports;
  }
}
