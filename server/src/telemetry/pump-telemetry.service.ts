// Use cases of a pump's telemetry pages: its readings over a window and its reconciliation history with the trend.
import { Inject, Injectable } from '@nestjs/common';
import {
  DAY_MS,
  DomainError,
  PumpReconciliations,
  PumpTelemetryReadings,
  reconciliationTrend,
  TELEMETRY_CONFIG,
  TelemetryQuery,
} from '@pumpwatch/shared';
import { Clock } from '../infra/clock';
import { toReservoirReconciliation, toTelemetryReading } from './telemetry.mapper';
import { TelemetryRepository } from './telemetry.repository';

@Injectable()
export class PumpTelemetryService {
  constructor(
    private readonly repository: TelemetryRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** Default window: the last 180 days (the longest refill interval) up to the future tolerance after now. */
  async readings(pumpId: string, query: TelemetryQuery): Promise<PumpTelemetryReadings> {
    const now = this.clock.now().getTime();
    const to = query.to ? new Date(query.to) : new Date(now + TELEMETRY_CONFIG.futureToleranceMinutes * 60_000);
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - TELEMETRY_CONFIG.defaultQueryWindowDays * DAY_MS);
    if (from.getTime() > to.getTime())
      throw new DomainError('validation_failed', 'from must not be after to', [{ field: 'from', message: 'must not be after to' }]);
    const limit = query.limit ?? TELEMETRY_CONFIG.maxReadingsPerQuery;
    const { readings, truncated } = await this.repository.readings(pumpId, from, to, limit);
    return { pumpId, from: from.toISOString(), to: to.toISOString(), readings: readings.map(toTelemetryReading), truncated };
  }

  async reconciliations(pumpId: string): Promise<PumpReconciliations> {
    const rows = (await this.repository.reconciliations(pumpId)).map(toReservoirReconciliation);
    return { pumpId, reconciliations: rows, trend: reconciliationTrend(rows) };
  }
}
