// The telemetry status of pumps now: what the dashboard shows and the alert rules (issue 5) read, for many pumps at once.
import { Injectable } from '@nestjs/common';
import { deriveTelemetryStatus, PumpTelemetryStatus } from '@pumpwatch/shared';
import type { EntityManager } from 'typeorm';
import { TelemetryRepository } from './telemetry.repository';

@Injectable()
export class TelemetryStatusService {
  constructor(private readonly repository: TelemetryRepository) {}

  /**
   * One entry per known pump id (unknown ids are left out), at `now`: last contact, staleness, battery, active alarms,
   * program and concentration mismatch, the latest reconciliation, the replacement deadline and a pending post-MRI check.
   * No access check here: callers pass only pumps the actor (or the system) may see.
   */
  async statusOf(pumpIds: string[], now: Date, manager?: EntityManager): Promise<Map<string, PumpTelemetryStatus>> {
    const unique = [...new Set(pumpIds)];
    const facts = await this.repository.statusFacts(unique, now, manager);
    return new Map(facts.map((f) => [f.pumpId, deriveTelemetryStatus(f, now)]));
  }
}
