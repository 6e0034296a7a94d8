// What a page carries out of PumpWatch to e-mail, PagerDuty and Opsgenie: alert kind, severity, clinic, the pump serial's last four
// characters and the single-use acknowledge link. Never a patient's name, MRN or the alert's text.
import type { AlertKind, AlertSeverity } from '../alerts/alert-contracts';

/** The facts of one page, the only input of every outbound message. */
export interface OutboundPage {
  alertId: string;
  kind: AlertKind;
  severity: AlertSeverity;
  clinicName: string;
  /** The last four characters of the pump's serial number; null for an alert without a pump. */
  serialLastFour: string | null;
  acknowledgeUrl: string;
  acknowledgeExpiresAt: string;
}

// Published limits of the services' APIs (PagerDuty Events API v2, Opsgenie Alert API).
/** PagerDuty Events API v2: `payload.summary` at most 1024 characters. */
export const PAGERDUTY_SUMMARY_MAX = 1024;
/** PagerDuty Events API v2: `dedup_key` at most 255 characters. */
export const PAGERDUTY_DEDUP_KEY_MAX = 255;
/** Opsgenie Alert API: `message` at most 130 characters, `alias` at most 512. */
export const OPSGENIE_MESSAGE_MAX = 130;
export const OPSGENIE_ALIAS_MAX = 512;

export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';
export type OpsgeniePriority = 'P1' | 'P2' | 'P3' | 'P4' | 'P5';

const PAGERDUTY_SEVERITY: Record<AlertSeverity, PagerDutySeverity> = { critical: 'critical', urgent: 'error', warning: 'warning' };
const OPSGENIE_PRIORITY: Record<AlertSeverity, OpsgeniePriority> = { critical: 'P1', urgent: 'P2', warning: 'P3' };

/** `refill_due` as `refill due`. */
export function alertKindWords(kind: AlertKind): string {
  return kind.replace(/_/g, ' ');
}

/** The last four characters of a serial number (all of it when shorter). */
export function serialLastFour(serialNumber: string): string {
  return serialNumber.slice(-4);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** One line: `CRITICAL refill due · Bern Pump Clinic · pump …1234`, cut to `max` characters. */
export function outboundSummary(page: OutboundPage, max: number): string {
  const pump = page.serialLastFour === null ? 'no pump' : `pump …${page.serialLastFour}`;
  return clip(`${page.severity.toUpperCase()} ${alertKindWords(page.kind)} · ${page.clinicName} · ${pump}`, max);
}

/** The same key for every event of one alert: PagerDuty's dedup_key, Opsgenie's alias. */
export function externalAlertKey(alertId: string): string {
  return `pumpwatch-alert-${alertId}`;
}

export interface PagerDutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: PagerDutySeverity;
    component?: string;
    group?: string;
    class?: string;
    custom_details?: Record<string, string | null>;
  };
  links?: { href: string; text: string }[];
  client?: string;
}

export function pagerDutyTrigger(routingKey: string, page: OutboundPage): PagerDutyEvent {
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: externalAlertKey(page.alertId),
    client: 'PumpWatch',
    payload: {
      summary: outboundSummary(page, PAGERDUTY_SUMMARY_MAX),
      source: 'PumpWatch',
      severity: PAGERDUTY_SEVERITY[page.severity],
      component: page.serialLastFour === null ? undefined : `pump …${page.serialLastFour}`,
      group: page.clinicName,
      class: page.kind,
      custom_details: {
        kind: page.kind,
        severity: page.severity,
        clinic: page.clinicName,
        pumpSerialLastFour: page.serialLastFour,
        acknowledgeUrl: page.acknowledgeUrl,
        acknowledgeExpiresAt: page.acknowledgeExpiresAt,
      },
    },
    links: [{ href: page.acknowledgeUrl, text: 'Acknowledge in PumpWatch (single use)' }],
  };
}

export function pagerDutyFollowUp(routingKey: string, alertId: string, action: 'acknowledge' | 'resolve'): PagerDutyEvent {
  return { routing_key: routingKey, event_action: action, dedup_key: externalAlertKey(alertId) };
}

export interface OpsgenieCreateAlert {
  message: string;
  alias: string;
  description: string;
  priority: OpsgeniePriority;
  source: string;
  tags: string[];
  entity: string;
  details: Record<string, string>;
}

export function opsgenieCreate(page: OutboundPage): OpsgenieCreateAlert {
  return {
    message: outboundSummary(page, OPSGENIE_MESSAGE_MAX),
    alias: externalAlertKey(page.alertId),
    description: outboundText(page),
    priority: OPSGENIE_PRIORITY[page.severity],
    source: 'PumpWatch',
    tags: ['pumpwatch', page.kind, page.severity],
    entity: page.clinicName,
    details: {
      kind: page.kind,
      severity: page.severity,
      clinic: page.clinicName,
      pumpSerialLastFour: page.serialLastFour ?? '',
      acknowledgeUrl: page.acknowledgeUrl,
      acknowledgeExpiresAt: page.acknowledgeExpiresAt,
    },
  };
}

/** The body of an e-mail page (and Opsgenie's description). */
export function outboundText(page: OutboundPage): string {
  return [
    `PumpWatch page: ${page.severity.toUpperCase()} ${alertKindWords(page.kind)}`,
    '',
    `Alert kind: ${page.kind}`,
    `Severity: ${page.severity}`,
    `Clinic: ${page.clinicName}`,
    `Pump serial (last four): ${page.serialLastFour ?? 'no pump'}`,
    '',
    `Acknowledge (single use, until ${page.acknowledgeExpiresAt}):`,
    page.acknowledgeUrl,
    '',
    'Open PumpWatch for the patient and the pump.',
  ].join('\n');
}

export function outboundEmail(page: OutboundPage): { subject: string; text: string } {
  return { subject: `[PumpWatch] ${outboundSummary(page, 200)}`, text: outboundText(page) };
}
