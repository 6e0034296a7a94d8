// Delivers queued pages through their notifier, outside the transaction that recorded them: leases each attempt, then records
// its outcome (sent with its page.sent event, retried with backoff, or failed) in one transaction.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { nextPageAttemptAt, PAGING_CONFIG } from '@pumpwatch/shared';
import type { PageRecipient } from '@pumpwatch/shared';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService, changedFields } from '../audit/audit.service';
import { SYSTEM_ACTOR } from '../auth/actor';
import { EventLogService } from '../events/event-log.service';
import { Clock } from '../infra/clock';
import { DeliveryOutcome, Notifier, NOTIFIERS } from './notifier';
import { PagedAlert, PageRecord, PagingRepository } from './paging.repository';
import { auditedPage, toPage } from './paging.mapper';

/** Pages attempted at once: bounds the requests in flight and the rows one lease holds. */
const DELIVERY_BATCH = 50;

export interface DeliveryResult {
  sent: number;
  retried: number;
  failed: number;
  cancelled: number;
}

@Injectable()
export class PageDeliveryService {
  private readonly logger = new Logger('PageDelivery');
  private readonly notifiers: Map<string, Notifier>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: PagingRepository,
    private readonly events: EventLogService,
    private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(NOTIFIERS) notifiers: Notifier[],
  ) {
    this.notifiers = new Map(notifiers.map((n) => [n.kind, n]));
  }

  /** Every page due at `now`, in batches; pages leased by another instance are skipped and stay theirs. */
  async deliverDue(now: Date): Promise<DeliveryResult> {
    const result: DeliveryResult = { sent: 0, retried: 0, failed: 0, cancelled: 0 };
    const leaseUntil = new Date(now.getTime() + PAGING_CONFIG.deliveryLeaseSeconds * 1000);
    for (;;) {
      const leased = await this.dataSource.transaction((manager) =>
        this.repository.leaseDuePages(manager, now, leaseUntil, DELIVERY_BATCH),
      );
      const outcomes = await Promise.all(
        leased.map((page) =>
          this.deliverOne(page).catch((error: Error) => {
            // The lease runs out and another sweep tries again: a delivery is never lost to an error here.
            this.logger.warn(`page ${page.id} attempt ${page.attempts} could not be recorded: ${error.message}`);
            return null;
          }),
        ),
      );
      for (const outcome of outcomes) if (outcome) result[outcome]++;
      if (leased.length < DELIVERY_BATCH) return result;
    }
  }

  private async deliverOne(page: PageRecord): Promise<keyof DeliveryResult | null> {
    const alert = await this.repository.alert(this.dataSource.manager, page.alertId);
    if (!alert || alert.status !== 'open') {
      return this.record(
        page,
        (manager, at) =>
          this.repository.cancelPage(manager, page.id, page.attempts, `not sent: the alert was ${alert?.status ?? 'removed'} first`, at),
        'page.cancelled',
        'cancelled',
      );
    }
    const notifier = this.notifiers.get(page.notifier);
    const recipient: PageRecipient = {
      clinicianId: page.recipientClinicianId,
      userId: page.recipientUserId,
      displayName: page.recipientLabel ?? '',
      pagerContact: await this.repository.pagerContact(this.dataSource.manager, page.recipientClinicianId),
    };
    let outcome: DeliveryOutcome;
    try {
      outcome = notifier
        ? await notifier.deliver(page, alert, recipient)
        : { ok: false, retryable: false, error: `no ${page.notifier} notifier` };
    } catch (error) {
      outcome = { ok: false, error: `the notifier failed: ${(error as Error).name}` };
    }
    if (outcome.ok) return this.record(page, (manager, at) => this.markSent(manager, page, alert, at), 'page.sent', 'sent');
    const error = outcome.error ?? 'delivery failed';
    const failedAt = this.clock.now();
    const retryAt = outcome.retryable === false ? null : nextPageAttemptAt(page.attempts, failedAt);
    if (retryAt) {
      return this.record(
        page,
        (manager, at) => this.repository.scheduleRetry(manager, page.id, page.attempts, error, retryAt, at),
        'page.retry_scheduled',
        'retried',
      );
    }
    return this.record(
      page,
      (manager, at) => this.repository.markFailed(manager, page.id, page.attempts, error, at),
      'page.failed',
      'failed',
    );
  }

  /** The page.sent event in the same transaction as the status: dashboards learn of exactly the pages recorded as sent. */
  private async markSent(manager: EntityManager, page: PageRecord, alert: PagedAlert, at: Date): Promise<PageRecord | null> {
    const sent = await this.repository.markSent(manager, page.id, page.attempts, at);
    // pumpId null: the alert engine re-evaluates the pump of every event that names one, and a page changes nothing it reads.
    if (sent)
      await this.events.record(manager, { type: 'page.sent', clinicId: alert.clinicId, pumpId: null, payload: { page: toPage(sent) } });
    return sent;
  }

  /** Applies one outcome if this attempt still holds the page, with its audit row; null when it no longer does (nothing written). */
  private async record(
    before: PageRecord,
    apply: (manager: EntityManager, at: Date) => Promise<PageRecord | null>,
    action: string,
    counted: keyof DeliveryResult,
  ): Promise<keyof DeliveryResult | null> {
    return this.dataSource.transaction(async (manager) => {
      const after = await apply(manager, this.clock.now());
      if (!after) return null;
      await this.audit.record(manager, SYSTEM_ACTOR, {
        action,
        entityType: 'page',
        entityId: after.id,
        clinicId: after.clinicId,
        changes: changedFields(auditedPage(before), auditedPage(after)),
      });
      return counted;
    });
  }
}
