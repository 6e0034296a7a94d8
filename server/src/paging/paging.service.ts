// One paging sweep: stop finished escalations, start new ones, page what is due, deliver queued pages; and what /api/health
// reports of paging.
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { DAY_MS } from '@pumpwatch/shared';
import { Clock } from '../infra/clock';
import { EscalationService } from './escalation.service';
import { IncidentSyncResult, NotificationIncidentsService } from './notification-incidents.service';
import { DeliveryResult, PageDeliveryService } from './page-delivery.service';
import { PagingRepository } from './paging.repository';

export interface PagingSweepResult {
  at: string;
  stopped: number;
  started: number;
  /** Escalation steps paged in this sweep. */
  stepsPaged: number;
  delivery: DeliveryResult;
  /** Acknowledge and resolve events sent to PagerDuty and Opsgenie for alerts acknowledged or resolved here (issue 17). */
  incidents: IncidentSyncResult;
}

@Injectable()
export class PagingService {
  private readonly logger = new Logger('Paging');
  private lastSweep: Date | null = null;
  private running: Promise<void> | null = null;
  private wanted = false;

  constructor(
    private readonly escalations: EscalationService,
    private readonly delivery: PageDeliveryService,
    private readonly incidents: NotificationIncidentsService,
    private readonly repository: PagingRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** When this instance last finished a sweep (null until its first). */
  get lastSweepAt(): Date | null {
    return this.lastSweep;
  }

  /**
   * Every minute (PagingSweepJob), and directly from tests with a ManualClock: a critical alert is paged at the first sweep after it
   * is raised, within a minute. Safe to run on several instances
   * at once and twice in one: escalation rows and pages are claimed with row locks, so each page is recorded and attempted once.
   */
  async sweep(): Promise<PagingSweepResult> {
    const now = this.clock.now();
    const stopped = await this.escalations.stopFinished(now);
    const started = await this.escalations.start(now);
    const paged = await this.escalations.pageDue(now);
    const delivery = await this.delivery.deliverDue(now);
    const incidents = await this.incidents.syncDue(now);
    this.lastSweep = now;
    return { at: now.toISOString(), stopped, started, stepsPaged: paged.length, delivery, incidents };
  }

  /** Runs a sweep unless one is running, in which case one more follows it: calls never pile up. */
  requestSweep(): Promise<void> {
    this.wanted = true;
    if (!this.running) {
      this.running = (async () => {
        while (this.wanted) {
          this.wanted = false;
          try {
            await this.sweep();
          } catch (error) {
            this.logger.error(`paging sweep failed (the next one retries): ${(error as Error).message}`);
          }
        }
      })().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  /** /api/health: never turns the answer to an error by itself (the database check does that); failed pages are a count to alert on. */
  async health(): Promise<HealthIndicatorResult> {
    let failedPagesLast24h: number | null = null;
    try {
      failedPagesLast24h = await this.repository.failedPagesSince(new Date(this.clock.now().getTime() - DAY_MS));
    } catch {
      // The database check reports the outage; null says the count is unknown.
    }
    return { paging: { status: 'up', lastSweepAt: this.lastSweep?.toISOString() ?? null, failedPagesLast24h } };
  }
}
