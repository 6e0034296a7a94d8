// Use cases of a clinic's webhook endpoints: an administrator adds one (secret shown once), lists them, disables one.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError, webhookUrlRefusal } from '@pumpwatch/shared';
import type { CreatedWebhookEndpoint, CreateWebhookEndpointRequest, WebhookEndpoint } from '@pumpwatch/shared';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor, assertMayUseIn } from '../auth/actor';
import { newSecret } from '../auth/secrets';
import { Clock } from '../infra/clock';
import { isUuid } from '../infra/entity-id.pipe';
import { PagingRepository } from './paging.repository';
import { toWebhookEndpoint } from './paging.mapper';
import { PagingSettings } from './paging-settings';

const NOT_KNOWN_CLINIC = 'is not a known clinic';
const NOT_KNOWN_WEBHOOK = 'is not a known webhook endpoint';
/** Recognisable in a repository or a log, like gateway tokens. */
const WEBHOOK_SECRET_PREFIX = 'pwhs_';

/** The audit trail keeps where pages go (scheme and host), not the path or query, which some services use as a credential. */
function auditedUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}`;
}

@Injectable()
export class WebhooksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: PagingRepository,
    private readonly settings: PagingSettings,
    private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async create(actor: Actor, clinicId: string, request: CreateWebhookEndpointRequest): Promise<CreatedWebhookEndpoint> {
    assertMayUseIn(actor, 'administer', clinicId, 'id', NOT_KNOWN_CLINIC);
    const refusal = webhookUrlRefusal(request.url, { allowHttpLoopback: this.settings.allowHttpLoopbackWebhooks });
    if (refusal) throw DomainError.rule('url', refusal);
    const secret = `${WEBHOOK_SECRET_PREFIX}${newSecret()}`;
    return this.dataSource.transaction(async (manager) => {
      if ((await this.repository.clinicName(manager, clinicId)) === null) throw DomainError.notFound('id', NOT_KNOWN_CLINIC);
      const endpoint = await this.repository.insertWebhook(manager, {
        clinicId,
        name: request.name,
        url: request.url,
        secret,
        createdByUserId: actor.kind === 'user' ? actor.id : null,
        createdAt: this.clock.now(),
      });
      await this.audit.record(manager, actor, {
        action: 'webhook_endpoint.created',
        entityType: 'webhook_endpoint',
        entityId: endpoint.id,
        clinicId,
        changes: { name: { before: null, after: endpoint.name }, url: { before: null, after: auditedUrl(endpoint.url) } },
      });
      return { ...toWebhookEndpoint(endpoint), secret };
    });
  }

  async list(actor: Actor, clinicId: string): Promise<WebhookEndpoint[]> {
    assertMayUseIn(actor, 'administer', clinicId, 'id', NOT_KNOWN_CLINIC);
    if ((await this.repository.clinicName(this.dataSource.manager, clinicId)) === null) throw DomainError.notFound('id', NOT_KNOWN_CLINIC);
    return (await this.repository.webhooksOfClinic(clinicId)).map(toWebhookEndpoint);
  }

  /** Pages already queued for the endpoint are cancelled; disabling twice changes nothing. */
  async disable(actor: Actor, clinicId: string, webhookId: string): Promise<WebhookEndpoint> {
    assertMayUseIn(actor, 'administer', clinicId, 'id', NOT_KNOWN_CLINIC);
    return this.dataSource.transaction(async (manager) => {
      const endpoint = isUuid(webhookId) ? await this.repository.webhook(manager, webhookId, true) : null;
      if (!endpoint || endpoint.clinicId !== clinicId) throw DomainError.notFound('webhookId', NOT_KNOWN_WEBHOOK);
      if (!endpoint.active) return toWebhookEndpoint(endpoint);
      const now = this.clock.now();
      const disabled = await this.repository.disableWebhook(manager, endpoint.id, now);
      const cancelled = await this.repository.cancelQueuedPagesOfEndpoint(
        manager,
        endpoint.id,
        'not sent: the webhook endpoint was disabled',
        now,
      );
      await this.audit.record(manager, actor, {
        action: 'webhook_endpoint.disabled',
        entityType: 'webhook_endpoint',
        entityId: endpoint.id,
        clinicId,
        changes: {
          active: { before: true, after: false },
          disabledAt: { before: null, after: now.toISOString() },
          ...(cancelled.length > 0 ? { cancelledPages: { before: null, after: cancelled.map((p) => p.id) } } : {}),
        },
      });
      return toWebhookEndpoint(disabled);
    });
  }
}
