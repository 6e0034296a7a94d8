// Escalation of unacknowledged alerts: starts an escalation for each open urgent or critical alert, pages the level due (claimed
// row, pages and the next deadline in one transaction) and stops when the alert is acknowledged, resolved or no longer pages.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { escalationStepDueAt, HOUR_MS, levelToPage, PAGING_CONFIG, pagingStartsAt } from '@pumpwatch/shared';
import type { EscalationPolicy, EscalationStopReason, PageDecision, PageRecipient } from '@pumpwatch/shared';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { SYSTEM_ACTOR } from '../auth/actor';
import { Clock } from '../infra/clock';
import { EscalationPolicyService } from '../on-call/escalation-policy.service';
import { OnCallRosterService } from '../on-call/on-call-roster.service';
import { acknowledgeToken, acknowledgeTokenHash } from './acknowledge-token';
import { NotificationChannelRecord, NotificationChannelsRepository } from './notification-channels.repository';
import { EscalationRecord, PagedAlert, PageRecord, PagingRepository, WebhookEndpointRecord } from './paging.repository';

export const NO_ONE_REACHABLE =
  'no level of the escalation policy reaches anybody now (no one on call, no backup, no clinic administrator)';
const NO_CHANNEL = 'no notifier reaches this recipient (no PumpWatch account and no webhook endpoint in the clinic)';

/** Why escalation of this alert must stop now, and since when; null while it still pages. */
function stopOf(alert: PagedAlert, now: Date): { reason: EscalationStopReason; at: Date } | null {
  if (alert.status === 'resolved') return { reason: 'resolved', at: alert.resolvedAt ?? now };
  if (alert.status === 'acknowledged') return { reason: 'acknowledged', at: alert.acknowledgedAt ?? now };
  // Warnings never page (issue 5); it starts again if the alert becomes urgent or critical.
  if (alert.severity === 'warning') return { reason: 'severity_lowered', at: now };
  return null;
}

const CANCEL_REASON: Record<EscalationStopReason, string> = {
  acknowledged: 'not sent: the alert was acknowledged first',
  resolved: 'not sent: the alert was resolved first',
  severity_lowered: 'not sent: the alert became a warning, which never pages',
};

export interface PagedStep {
  alertId: string;
  step: number;
  pages: PageRecord[];
}

@Injectable()
export class EscalationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: PagingRepository,
    private readonly channels: NotificationChannelsRepository,
    private readonly roster: OnCallRosterService,
    private readonly policies: EscalationPolicyService,
    private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** Stops every running escalation whose alert was acknowledged, resolved or lowered to a warning; cancels its unsent pages. */
  async stopFinished(now: Date): Promise<number> {
    let stopped = 0;
    for (const { escalation, alert } of await this.repository.finishedEscalations(this.dataSource.manager)) {
      if (await this.dataSource.transaction((manager) => this.stop(manager, escalation, alert, now))) stopped++;
    }
    return stopped;
  }

  /** After an acknowledgement from a link: stop at once rather than at the next sweep. */
  async stopIfFinished(alertId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const escalation = await this.repository.lockEscalation(manager, alertId);
      const alert = await this.repository.alert(manager, alertId);
      if (escalation && alert) await this.stop(manager, escalation, alert, this.clock.now());
    });
  }

  /**
   * Gives each open urgent or critical alert a running escalation: a new one, or a new episode when an acknowledged alert is open
   * again. Critical alerts are due at once, urgent ones after the clinic's urgentPageAfterMinutes (pagingStartsAt).
   */
  async start(now: Date): Promise<number> {
    let started = 0;
    const policies = new Map<string, EscalationPolicy>();
    const policyOf = async (clinicId: string): Promise<EscalationPolicy> => {
      if (!policies.has(clinicId)) policies.set(clinicId, await this.policies.policyOf(clinicId));
      return policies.get(clinicId) as EscalationPolicy;
    };
    for (const candidate of await this.repository.armCandidates(this.dataSource.manager)) {
      const startsAt = pagingStartsAt(await policyOf(candidate.clinicId), candidate.severity, candidate.since) as Date;
      const row = await this.dataSource.transaction(async (manager) => {
        const created = candidate.escalation
          ? await this.repository.restartEscalation(manager, candidate.alertId, startsAt, now)
          : await this.repository.insertEscalation(manager, candidate.alertId, candidate.clinicId, startsAt, now);
        if (created) {
          await this.audit.record(manager, SYSTEM_ACTOR, {
            action: 'escalation.started',
            entityType: 'alert_escalation',
            entityId: created.alertId,
            clinicId: created.clinicId,
            changes: {
              episode: { before: candidate.escalation?.episode ?? null, after: created.episode },
              severity: { before: null, after: candidate.severity },
              pagingStartedAt: { before: null, after: created.pagingStartedAt.toISOString() },
              nextDueAt: { before: candidate.escalation?.nextDueAt.toISOString() ?? null, after: created.nextDueAt.toISOString() },
            },
          });
        }
        return created;
      });
      if (row) started++;
    }
    // An urgent alert waiting for its first page that has become critical pages at once.
    for (const hurry of await this.repository.criticalNotYetPaged(this.dataSource.manager)) {
      await this.dataSource.transaction(async (manager) => {
        const before = await this.repository.lockEscalation(manager, hurry.alertId);
        const moved = await this.repository.hastenEscalation(manager, hurry.alertId, hurry.since, now);
        if (before && moved) {
          await this.audit.record(manager, SYSTEM_ACTOR, {
            action: 'escalation.rescheduled',
            entityType: 'alert_escalation',
            entityId: moved.alertId,
            clinicId: moved.clinicId,
            changes: {
              nextDueAt: { before: before.nextDueAt.toISOString(), after: moved.nextDueAt.toISOString() },
              severity: { before: 'urgent', after: 'critical' },
            },
          });
        }
      });
    }
    return started;
  }

  /**
   * Pages every escalation due at `now`, each in its own transaction: the row claimed with SKIP LOCKED (another instance takes
   * the next one), the alert read under a share lock, the pages recorded and the next deadline stored, all committed together.
   * A crash before the commit leaves the row due, so the next sweep pages it; after the commit it is never paged again.
   */
  async pageDue(now: Date): Promise<PagedStep[]> {
    const handled: string[] = [];
    const paged: PagedStep[] = [];
    for (;;) {
      const result = await this.dataSource.transaction(async (manager) => {
        const escalation = await this.repository.claimDue(manager, now, handled);
        if (!escalation) return null;
        handled.push(escalation.alertId);
        const alert = await this.repository.lockAlertForPaging(manager, escalation.alertId);
        if (!alert) return { alertId: escalation.alertId, step: escalation.step, pages: [] };
        if (await this.stop(manager, escalation, alert, now)) return { alertId: alert.id, step: escalation.step, pages: [] };
        return this.pageStep(manager, escalation, alert, now);
      });
      if (result === null) break;
      if (result.pages.length > 0) paged.push(result);
    }
    return paged;
  }

  private async pageStep(manager: EntityManager, escalation: EscalationRecord, alert: PagedAlert, now: Date): Promise<PagedStep> {
    const { policy, plan } = await this.roster.escalationPlanAt(escalation.clinicId, now, manager);
    // Repeats of the top level missed while no instance ran are paged once, as the latest one due, not one after another.
    const top = policy.levels.length - 1;
    let dueStep = escalation.step;
    while (dueStep > top && escalationStepDueAt(policy, escalation.pagingStartedAt, dueStep + 1) <= now) dueStep++;
    const decision = levelToPage(plan, dueStep);
    const pagedStep = decision ? decision.step : dueStep;
    const webhooks = decision ? await this.repository.activeWebhooks(manager, escalation.clinicId) : [];
    const target = decision ? policy.levels[decision.level].target : null;
    // The clinic's notification channels (issue 17) that page this level.
    const channels = decision
      ? (await this.channels.activeChannels(manager, escalation.clinicId)).filter((c) => target !== null && c.levels.includes(target))
      : [];
    const pages = decision
      ? this.pagesOf(escalation, decision, target, webhooks, channels, now)
      : [this.page(escalation, pagedStep, null, { notifier: 'none', status: 'failed', lastError: NO_ONE_REACHABLE }, now)];
    for (const page of pages) {
      await this.repository.insertPage(manager, page, now);
      // The single-use link a page carries is derived from its endpoint's or channel's own secret.
      const linkSecret =
        webhooks.find((w) => w.id === page.webhookEndpointId)?.secret ??
        channels.find((c) => c.id === page.notificationChannelId)?.linkSecret;
      if (linkSecret) {
        await this.repository.insertAcknowledgeLink(manager, {
          tokenHash: acknowledgeTokenHash(acknowledgeToken(linkSecret, page.id)),
          alertId: alert.id,
          pageId: page.id,
          createdAt: now,
          expiresAt: new Date(now.getTime() + PAGING_CONFIG.acknowledgeLinkHours * HOUR_MS),
        });
      }
    }
    const nextStep = pagedStep + 1;
    const nextDueAt = escalationStepDueAt(policy, escalation.pagingStartedAt, nextStep);
    await this.repository.advanceEscalation(manager, alert.id, { step: nextStep, nextDueAt, pagedAt: now, noOneOnCall: plan.noOneOnCall });
    await this.audit.record(manager, SYSTEM_ACTOR, {
      action: 'escalation.paged',
      entityType: 'alert_escalation',
      entityId: alert.id,
      clinicId: alert.clinicId,
      changes: {
        step: { before: escalation.step, after: nextStep },
        nextDueAt: { before: escalation.nextDueAt.toISOString(), after: nextDueAt.toISOString() },
        noOneOnCall: { before: escalation.noOneOnCall, after: plan.noOneOnCall },
        pages: {
          before: null,
          after: pages.map((p) => ({
            id: p.id,
            step: p.step,
            levelTarget: p.levelTarget,
            recipient: p.recipientLabel,
            notifier: p.notifier,
            status: p.status,
          })),
        },
      },
    });
    return { alertId: alert.id, step: pagedStep, pages };
  }

  /**
   * One page per recipient and channel: in-app and each e-mail channel for a recipient with an account, one per active webhook
   * endpoint of the clinic; and one per PagerDuty or Opsgenie channel for the step (the service routes it to its own on-call).
   */
  private pagesOf(
    escalation: EscalationRecord,
    decision: PageDecision<PageRecipient>,
    target: PageRecord['levelTarget'],
    webhooks: WebhookEndpointRecord[],
    notificationChannels: NotificationChannelRecord[],
    now: Date,
  ): PageRecord[] {
    const pages: PageRecord[] = [];
    for (const recipient of decision.recipients) {
      const channels: Pick<PageRecord, 'notifier' | 'webhookEndpointId' | 'notificationChannelId'>[] = [
        ...(recipient.userId ? [{ notifier: 'in_app' as const, webhookEndpointId: null, notificationChannelId: null }] : []),
        ...webhooks.map((w) => ({ notifier: 'webhook' as const, webhookEndpointId: w.id, notificationChannelId: null })),
        ...(recipient.userId
          ? notificationChannels
              .filter((c) => c.kind === 'email')
              .map((c) => ({ notifier: 'email' as const, webhookEndpointId: null, notificationChannelId: c.id }))
          : []),
      ];
      for (const channel of channels) {
        pages.push(
          this.page(
            escalation,
            decision.step,
            { level: decision.level, target, recipient },
            { ...channel, status: 'queued', nextAttemptAt: now },
            now,
          ),
        );
      }
      if (channels.length === 0) {
        pages.push(
          this.page(
            escalation,
            decision.step,
            { level: decision.level, target, recipient },
            { notifier: 'none', status: 'failed', lastError: NO_CHANNEL },
            now,
          ),
        );
      }
    }
    for (const channel of notificationChannels) {
      if (channel.kind === 'email') continue;
      pages.push(
        this.page(
          escalation,
          decision.step,
          { level: decision.level, target, recipient: null },
          {
            notifier: channel.kind,
            webhookEndpointId: null,
            notificationChannelId: channel.id,
            status: 'queued',
            nextAttemptAt: now,
          },
          now,
        ),
      );
    }
    return pages;
  }

  private page(
    escalation: EscalationRecord,
    step: number,
    to: { level: number; target: PageRecord['levelTarget']; recipient: PageRecipient | null } | null,
    state: Partial<PageRecord> & Pick<PageRecord, 'notifier' | 'status'>,
    now: Date,
  ): PageRecord {
    return {
      id: randomUUID(),
      alertId: escalation.alertId,
      clinicId: escalation.clinicId,
      episode: escalation.episode,
      step,
      level: to?.level ?? null,
      levelTarget: to?.target ?? null,
      recipientClinicianId: to?.recipient?.clinicianId ?? null,
      recipientUserId: to?.recipient?.userId ?? null,
      recipientLabel: to?.recipient?.displayName ?? null,
      webhookEndpointId: null,
      notificationChannelId: null,
      attempts: 0,
      nextAttemptAt: null,
      lastAttemptAt: null,
      lastError: null,
      sentAt: null,
      createdAt: now,
      ...state,
    };
  }

  /** In the caller's transaction: stops the escalation when the alert no longer pages, cancels its unsent pages, audits; false otherwise. */
  private async stop(manager: EntityManager, escalation: EscalationRecord, alert: PagedAlert, now: Date): Promise<boolean> {
    const stop = stopOf(alert, now);
    if (!stop) return false;
    const stopped = await this.repository.stopEscalation(manager, escalation.alertId, stop.at, stop.reason, now);
    if (!stopped) return false;
    const cancelled = await this.repository.cancelQueuedPagesOfAlert(manager, escalation.alertId, CANCEL_REASON[stop.reason], now);
    await this.audit.record(manager, SYSTEM_ACTOR, {
      action: 'escalation.stopped',
      entityType: 'alert_escalation',
      entityId: escalation.alertId,
      clinicId: escalation.clinicId,
      changes: {
        stoppedAt: { before: null, after: stop.at.toISOString() },
        stopReason: { before: null, after: stop.reason },
        ...(cancelled.length > 0 ? { cancelledPages: { before: null, after: cancelled.map((p) => p.id) } } : {}),
      },
    });
    return true;
  }
}
