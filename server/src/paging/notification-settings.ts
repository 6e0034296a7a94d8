// Settings of the e-mail, PagerDuty and Opsgenie notifiers in this app instance: the services' endpoints (the real public ones
// unless the environment names others), the key that seals channel secrets, the timeout, and a test-only trusted CA.
import { Injectable } from '@nestjs/common';
import { PAGING_CONFIG } from '@pumpwatch/shared';
import { SecretBox } from '../infra/secret-box';

/** PagerDuty Events API v2 (developer.pagerduty.com, "Send an Alert Event"). */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';
/** Opsgenie Alert API (docs.opsgenie.com, "Alert API"); EU accounts use https://api.eu.opsgenie.com/v2/alerts. */
export const OPSGENIE_ALERTS_URL = 'https://api.opsgenie.com/v2/alerts';

@Injectable()
export class NotificationSettings {
  /** PUMPWATCH_PAGERDUTY_EVENTS_URL, default PagerDuty's public endpoint. */
  pagerDutyEventsUrl: string = process.env.PUMPWATCH_PAGERDUTY_EVENTS_URL?.trim() || PAGERDUTY_EVENTS_URL;
  /** PUMPWATCH_OPSGENIE_API_URL, default Opsgenie's public (US) endpoint. */
  opsgenieAlertsUrl: string = (process.env.PUMPWATCH_OPSGENIE_API_URL?.trim() || OPSGENIE_ALERTS_URL).replace(/\/+$/, '');
  /** Same bound as a webhook: a dead service holds up one delivery at most this long. */
  timeoutMs: number = PAGING_CONFIG.webhookTimeoutMs;
  /**
   * Test only (null in every deployment): a PEM certificate trusted for outbound TLS to the services and SMTP relays, so the
   * tests' own HTTPS and SMTP stand-ins with a self-signed certificate can be reached. Replaces the system's trusted roots.
   */
  trustedCaPem: string | null = null;
  /** PUMPWATCH_SECRETS_KEY (AES-256-GCM); a malformed key stops the app at start. */
  readonly secrets: SecretBox = SecretBox.fromEnvironment();
  /** With NODE_ENV=production a secret is never sealed under the development key. */
  readonly production: boolean = process.env.NODE_ENV === 'production';
}
