// Paging API: webhook endpoint requests and shapes, pages with their outcome, the webhook body, the acknowledge link, page.sent.
import { z } from 'zod';
import { clinicText, identifier } from '../text-fields';
import type { AlertKind, AlertSeverity, AlertStatus } from '../alerts/alert-contracts';
import type { EscalationTarget } from '../on-call/on-call-contracts';

export const createWebhookEndpointSchema = z.strictObject({
  name: clinicText(100, { min: 1 }),
  /** https:// only (checked by the server, which names the rule in a 422). */
  url: identifier(2048, { min: 1 }),
});
export type CreateWebhookEndpointRequest = z.infer<typeof createWebhookEndpointSchema>;

/** One endpoint of a clinic that receives every page as a signed POST. */
export interface WebhookEndpoint {
  id: string;
  clinicId: string;
  name: string;
  url: string;
  active: boolean;
  createdAt: string;
  createdByUserId: string | null;
  disabledAt: string | null;
}

/** POST /api/clinics/:id/webhooks: the HMAC secret, shown this once (stored for signing, never shown or logged again). */
export interface CreatedWebhookEndpoint extends WebhookEndpoint {
  secret: string;
}

/**
 * `in_app`: the dashboard of the recipient's account (page.sent); `webhook`: a clinic endpoint; `email`, `pagerduty`, `opsgenie`: a
 * clinic's notification channel (issue 17); `none`: nobody could be reached.
 */
export const PAGE_NOTIFIERS = ['in_app', 'webhook', 'email', 'pagerduty', 'opsgenie', 'none'] as const;
export type PageNotifierKind = (typeof PAGE_NOTIFIERS)[number];

/** `cancelled`: the alert was acknowledged or resolved (or the endpoint disabled) before the page went out. */
export const PAGE_STATUSES = ['queued', 'sent', 'failed', 'cancelled'] as const;
export type PageStatus = (typeof PAGE_STATUSES)[number];

/** Why escalation of an alert stopped; it starts again if the alert is open again at urgent or critical. */
export const ESCALATION_STOP_REASONS = ['acknowledged', 'resolved', 'severity_lowered'] as const;
export type EscalationStopReason = (typeof ESCALATION_STOP_REASONS)[number];

/** Who a page went to: never a contact number here (the webhook body alone carries it, to the clinic's own gateway). */
export interface PageRecipientView {
  clinicianId: string | null;
  userId: string | null;
  displayName: string;
}

/** One page with its outcome. */
export interface Page {
  id: string;
  alertId: string;
  clinicId: string;
  /** Escalations of one alert: a second one starts when an acknowledged alert is open again. */
  episode: number;
  /** Step of the escalation schedule this page counts as (see shared/src/on-call/escalation.ts). */
  step: number;
  /** Level of the clinic's policy paged, and its target; null when no level reached anybody. */
  level: number | null;
  levelTarget: EscalationTarget | null;
  recipient: PageRecipientView | null;
  notifier: PageNotifierKind;
  webhookEndpointId: string | null;
  /** The notification channel of an e-mail, PagerDuty or Opsgenie page (issue 17). */
  notificationChannelId: string | null;
  status: PageStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastError: string | null;
  sentAt: string | null;
  createdAt: string;
}

export interface AlertEscalationState {
  alertId: string;
  episode: number;
  /** The next step to page. */
  step: number;
  pagingStartedAt: string;
  /** null once stopped. */
  nextDueAt: string | null;
  lastPagedAt: string | null;
  /** At the last page no primary shift covered the instant: paging started at the next level ("no one on call"). */
  noOneOnCall: boolean;
  stoppedAt: string | null;
  stopReason: EscalationStopReason | null;
}

/** GET /api/alerts/:id/pages: the alert's escalation (null: it never paged, e.g. a warning) and its pages, oldest first. */
export interface AlertPages {
  alertId: string;
  escalation: AlertEscalationState | null;
  pages: Page[];
}

/**
 * The JSON body of a webhook page. Never a patient's name, MRN or the alert's text: only what a pager gateway needs to reach the
 * recipient and let them acknowledge. The acknowledge link is single-use and expires.
 */
export interface WebhookPageBody {
  type: 'page';
  pageId: string;
  alertId: string;
  kind: AlertKind;
  severity: AlertSeverity;
  clinicId: string;
  step: number;
  level: EscalationTarget;
  recipient: { clinicianId: string | null; userId: string | null; displayName: string; pagerContact: string | null };
  acknowledgeUrl: string;
  acknowledgeExpiresAt: string;
}

/** POST /api/alerts/acknowledge-link: the token of the link (JSON, or the confirmation page's form). */
export const acknowledgeLinkSchema = z.strictObject({ token: identifier(200, { min: 1 }) });
export type AcknowledgeLinkRequest = z.infer<typeof acknowledgeLinkSchema>;

export type AcknowledgeLinkOutcome = 'acknowledged' | 'already_acknowledged' | 'already_resolved';

/** What the holder of a link learns: no patient data (the route is public; the token is the only credential). */
export interface AcknowledgeLinkResult {
  alertId: string;
  outcome: AcknowledgeLinkOutcome;
  kind: AlertKind;
  severity: AlertSeverity;
  status: AlertStatus;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

/** socket.io `page.sent`: a page went out (in-app: this is its delivery to the recipient's dashboard). */
export interface PageSentEvent {
  eventId: number;
  page: Page;
}
