// Single-use acknowledge links of webhook pages: the holder of a link acknowledges the alert once, before it expires, recorded as
// the paged clinician's account or as "pager link: <name>"; escalation stops at once.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { clinicTime, DomainError, mayUse } from '@pumpwatch/shared';
import type { AcknowledgeLinkOutcome, AcknowledgeLinkResult, AlertKind, AlertSeverity, AlertStatus, ClinicRole } from '@pumpwatch/shared';
import { DataSource, EntityManager } from 'typeorm';
import { AlertsService } from '../alerts/alerts.service';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { Clock } from '../infra/clock';
import { acknowledgeTokenHash } from './acknowledge-token';
import { EscalationService } from './escalation.service';
import { PageRecord, PagingRepository } from './paging.repository';

export type LinkState = 'usable' | 'used' | 'expired' | 'unknown';

/** What the confirmation page shows before anything is changed: no patient data, the link is the only credential. */
export interface LinkPreview {
  state: LinkState;
  kind: AlertKind | null;
  severity: AlertSeverity | null;
  alertStatus: AlertStatus | null;
  clinicName: string | null;
  recipient: string | null;
  expiresAt: Date | null;
  usedAt: Date | null;
}

const NOBODY: LinkPreview = {
  state: 'unknown',
  kind: null,
  severity: null,
  alertStatus: null,
  clinicName: null,
  recipient: null,
  expiresAt: null,
  usedAt: null,
};

const baseActor = {
  sessionId: null,
  sessionExpiresAt: null,
  csrfToken: null,
  viaCookie: false,
  mustChangePassword: false,
  machineClinicId: null,
} as const;

@Injectable()
export class AcknowledgeLinksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: PagingRepository,
    private readonly alerts: AlertsService,
    private readonly escalations: EscalationService,
    private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async preview(token: string): Promise<LinkPreview> {
    const manager = this.dataSource.manager;
    const link = await this.repository.acknowledgeLink(manager, acknowledgeTokenHash(token), false);
    if (!link) return NOBODY;
    const [alert, page] = await Promise.all([this.repository.alert(manager, link.alertId), this.repository.page(manager, link.pageId)]);
    const state: LinkState = link.usedAt ? 'used' : link.expiresAt <= this.clock.now() ? 'expired' : 'usable';
    return {
      state,
      kind: alert?.kind ?? null,
      severity: alert?.severity ?? null,
      alertStatus: alert?.status ?? null,
      clinicName: alert ? await this.repository.clinicName(manager, alert.clinicId) : null,
      recipient: page?.recipientLabel ?? null,
      expiresAt: link.expiresAt,
      usedAt: link.usedAt,
    };
  }

  /**
   * Spends the link first (its own transaction, so two clicks acknowledge once), then acknowledges through the alert service as from
   * the dashboard (history, event, audit). An alert acknowledged or resolved meanwhile is reported, not refused: the page did its job.
   */
  async acknowledge(token: string, requestId: string | null): Promise<AcknowledgeLinkResult> {
    const now = this.clock.now();
    const { page, actor } = await this.dataSource.transaction(async (manager) => {
      const tokenHash = acknowledgeTokenHash(token);
      const link = await this.repository.acknowledgeLink(manager, tokenHash, true);
      if (!link) throw DomainError.notFound('token', 'is not a known acknowledge link');
      const linkedPage = (await this.repository.page(manager, link.pageId)) as PageRecord;
      if (link.usedAt || link.expiresAt <= now) {
        // The clinician holding the pager reads the clinic's wall clock, not UTC.
        const [{ time_zone: timeZone }] = await manager.query('SELECT time_zone FROM clinics WHERE id = $1', [linkedPage.clinicId]);
        const at = (instant: Date) => clinicTime(instant.toISOString(), timeZone as string);
        if (link.usedAt) throw DomainError.conflict('token', `was already used at ${at(link.usedAt)}`);
        throw DomainError.rule('token', `expired at ${at(link.expiresAt)}: acknowledge from the dashboard or a later page`);
      }
      const linkActor = await this.actorFor(manager, linkedPage, requestId);
      await this.repository.markLinkUsed(manager, tokenHash, now, linkActor.label);
      await this.audit.record(manager, linkActor, {
        action: 'acknowledge_link.used',
        entityType: 'page',
        entityId: linkedPage.id,
        clinicId: linkedPage.clinicId,
        changes: { usedAt: { before: null, after: now.toISOString() }, alertId: { before: null, after: link.alertId } },
      });
      return { page: linkedPage, actor: linkActor };
    });
    let outcome: AcknowledgeLinkOutcome = 'acknowledged';
    try {
      await this.alerts.acknowledge(
        actor,
        page.alertId,
        `Acknowledged from the link of a page (step ${page.step}, ${page.recipientLabel ?? 'recipient unknown'}).`,
      );
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'conflict') throw error;
      outcome = 'already_acknowledged';
    }
    await this.escalations.stopIfFinished(page.alertId);
    const alert = await this.repository.alert(this.dataSource.manager, page.alertId);
    if (!alert) throw DomainError.notFound('token', 'names an alert that does not exist');
    if (outcome !== 'acknowledged' && alert.status === 'resolved') outcome = 'already_resolved';
    return {
      alertId: alert.id,
      outcome,
      kind: alert.kind,
      severity: alert.severity,
      status: alert.status,
      acknowledgedAt: alert.acknowledgedAt?.toISOString() ?? null,
      acknowledgedBy: alert.acknowledgedByLabel,
    };
  }

  /**
   * The paged clinician's account when it may acknowledge in the clinic; otherwise a "pager link" actor allowed exactly this:
   * the clinic chose to page that person, and the link proves the page reached them.
   */
  private async actorFor(manager: EntityManager, page: PageRecord, requestId: string | null): Promise<Actor> {
    const user = page.recipientUserId ? await this.repository.userWithRoles(manager, page.recipientUserId) : null;
    if (user && page.recipientUserId) {
      const actor: Actor = {
        ...baseActor,
        kind: 'user',
        id: page.recipientUserId,
        label: `${user.email} (pager link)`,
        displayName: `${user.displayName} (pager link)`,
        requestId,
        administersAllClinics: user.administersAllClinics,
        clinicRoles: user.clinicRoles.map((r) => ({ clinicId: r.clinicId, role: r.role as ClinicRole })),
      };
      if (mayUse(actor, 'clinical', page.clinicId)) return actor;
    }
    return {
      ...baseActor,
      kind: 'system',
      id: null,
      label: `pager link: ${page.recipientLabel ?? 'recipient unknown'}`,
      requestId,
      administersAllClinics: false,
      clinicRoles: [{ clinicId: page.clinicId, role: 'clinician' }],
    };
  }
}
