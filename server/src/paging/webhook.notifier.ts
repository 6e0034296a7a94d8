// Webhook notifier: one signed HTTPS POST per attempt to the clinic's endpoint, carrying what a pager gateway needs and a
// single-use acknowledge link, never a patient's name.
import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  PageRecipient,
  WEBHOOK_IDEMPOTENCY_KEY_HEADER,
  WEBHOOK_PAGE_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  webhookSignatureHeaderValue,
  webhookSignedString,
  webhookUrlRefusal,
} from '@pumpwatch/shared';
import type { WebhookPageBody } from '@pumpwatch/shared';
import { DataSource } from 'typeorm';
import { Clock } from '../infra/clock';
import { acknowledgeToken } from './acknowledge-token';
import type { DeliveryOutcome, Notifier } from './notifier';
import { PagedAlert, PageRecord, PagingRepository } from './paging.repository';
import { PagingSettings } from './paging-settings';

/** The headers and body of one attempt: exported for tests and receivers' documentation. */
export function signedWebhookRequest(
  secret: string,
  body: WebhookPageBody,
  at: Date,
): { rawBody: string; headers: Record<string, string> } {
  const rawBody = JSON.stringify(body);
  const timestamp = Math.floor(at.getTime() / 1000);
  const digest = createHmac('sha256', secret).update(webhookSignedString(timestamp, rawBody), 'utf8').digest('hex');
  return {
    rawBody,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'PumpWatch-Webhook/1',
      [WEBHOOK_SIGNATURE_HEADER]: webhookSignatureHeaderValue(digest),
      [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp),
      [WEBHOOK_PAGE_ID_HEADER]: body.pageId,
      // At-least-once delivery: the same key on every attempt of this page, so a receiver can drop a repeat.
      [WEBHOOK_IDEMPOTENCY_KEY_HEADER]: body.pageId,
    },
  };
}

/** A failure as the page records it: the kind of error only (a URL or a response body may hold secrets). */
function describeFailure(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; cause?: { code?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  if (e?.cause?.code) return `connection failed (${e.cause.code})`;
  return 'connection failed';
}

@Injectable()
export class WebhookNotifier implements Notifier {
  readonly kind = 'webhook' as const;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: PagingRepository,
    private readonly settings: PagingSettings,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async deliver(page: PageRecord, alert: PagedAlert, recipient: PageRecipient): Promise<DeliveryOutcome> {
    const manager = this.dataSource.manager;
    const endpoint = page.webhookEndpointId ? await this.repository.webhook(manager, page.webhookEndpointId) : null;
    if (!endpoint || !endpoint.active) return { ok: false, retryable: false, error: 'the webhook endpoint was disabled' };
    if (webhookUrlRefusal(endpoint.url, { allowHttpLoopback: this.settings.allowHttpLoopbackWebhooks }) !== null) {
      return { ok: false, retryable: false, error: 'the webhook URL is not allowed (https:// only)' };
    }
    const link = await this.repository.acknowledgeLinkOfPage(manager, page.id);
    if (!link || page.levelTarget === null) return { ok: false, retryable: false, error: 'the page has no acknowledge link' };
    const body: WebhookPageBody = {
      type: 'page',
      pageId: page.id,
      alertId: alert.id,
      kind: alert.kind,
      severity: alert.severity,
      clinicId: alert.clinicId,
      step: page.step,
      level: page.levelTarget,
      recipient: {
        clinicianId: recipient.clinicianId,
        userId: recipient.userId,
        displayName: recipient.displayName,
        pagerContact: recipient.pagerContact,
      },
      acknowledgeUrl: this.settings.acknowledgeUrl(acknowledgeToken(endpoint.secret, page.id)),
      acknowledgeExpiresAt: link.expiresAt.toISOString(),
    };
    const request = signedWebhookRequest(endpoint.secret, body, this.clock.now());
    try {
      // No redirects: a 3xx to another host would carry the link and the contact where the clinic did not point it.
      const response = await fetch(endpoint.url, {
        method: 'POST',
        headers: request.headers,
        body: request.rawBody,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.webhookTimeoutMs),
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return { ok: true };
      return { ok: false, error: `the endpoint answered HTTP ${response.status}` };
    } catch (error) {
      return { ok: false, error: describeFailure(error, this.settings.webhookTimeoutMs) };
    }
  }
}
