// Notification channels (issue 17): a clinic's e-mail (SMTP), PagerDuty and Opsgenie integrations, which escalation levels each
// pages, and the request and response shapes. A channel's secret is accepted once and never answered again.
import { z } from 'zod';
import { ESCALATION_TARGETS } from '../on-call/on-call-contracts';
import type { EscalationTarget } from '../on-call/on-call-contracts';
import { clinicText, identifier } from '../text-fields';

export const NOTIFICATION_CHANNEL_KINDS = ['email', 'pagerduty', 'opsgenie'] as const;
export type NotificationChannelKind = (typeof NOTIFICATION_CHANNEL_KINDS)[number];

/** `tls`: TLS from the first byte (port 465); `starttls`: the upgrade is required (587, 25). A page never crosses in clear. */
export const SMTP_SECURITY = ['tls', 'starttls'] as const;
export type SmtpSecurity = (typeof SMTP_SECURITY)[number];

/**
 * A secret given as `env:NAME` is read from this instance's environment at each delivery and never stored. Only variables named
 * PUMPWATCH_CHANNEL_*: a clinic administrator must not be able to send the server's own secrets (DATABASE_URL) to a relay they
 * choose as an SMTP password.
 */
export const SECRET_ENV_PREFIX = 'PUMPWATCH_CHANNEL_';
export const SECRET_ENV_REFERENCE = /^env:(PUMPWATCH_CHANNEL_[A-Z0-9_]{1,100})$/;
/** PagerDuty Events API v2: an integration (routing) key is 32 characters. */
export const PAGERDUTY_ROUTING_KEY_LENGTH = 32;

const email = identifier(254)
  .toLowerCase()
  .pipe(z.email({ message: 'must be an email address' }));

export const smtpSettingsSchema = z.strictObject({
  host: identifier(253, { min: 1 }),
  port: z
    .number({ message: 'must be a port number' })
    .int('must be a port number')
    .min(1, 'must be a port number')
    .max(65535, 'must be a port number'),
  security: z.enum(SMTP_SECURITY, { message: `must be one of ${SMTP_SECURITY.join(', ')}` }).default('starttls'),
  /** The sender of every page. */
  from: email,
  /** Signs in with this user name and the channel's secret as password; none: the relay takes mail without signing in. */
  username: identifier(254, { min: 1 }).optional(),
});
export type SmtpSettings = z.output<typeof smtpSettingsSchema>;

const levels = z
  .array(z.enum(ESCALATION_TARGETS, { message: `must be one of ${ESCALATION_TARGETS.join(', ')}` }))
  .min(1, 'needs at least one level')
  .refine((l) => new Set(l).size === l.length, { message: 'names a level twice' });

/** The literal secret (SMTP password, PagerDuty routing key, Opsgenie API key) or `env:NAME`. */
const secret = z
  .string({ message: 'must be a string' })
  .min(1, 'is required')
  .max(4096, 'must be at most 4096 characters')
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), { message: 'must not contain control characters' });

/** Checks of one kind's fields, shared by create and update (for update, only of the fields given). */
function kindRules(
  kind: NotificationChannelKind,
  body: { smtp?: unknown; secret?: string },
  ctx: z.RefinementCtx,
  creating: boolean,
): void {
  if (kind === 'email' && creating && body.smtp === undefined)
    ctx.addIssue({ code: 'custom', path: ['smtp'], message: 'is required for an e-mail channel' });
  if (kind !== 'email' && body.smtp !== undefined)
    ctx.addIssue({ code: 'custom', path: ['smtp'], message: 'is only for an e-mail channel' });
  if (kind !== 'email' && creating && body.secret === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['secret'],
      message: kind === 'pagerduty' ? 'is required: the integration (routing) key' : 'is required: the API key',
    });
  }
  if (
    kind === 'pagerduty' &&
    body.secret !== undefined &&
    !SECRET_ENV_REFERENCE.test(body.secret) &&
    body.secret.length !== PAGERDUTY_ROUTING_KEY_LENGTH
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['secret'],
      message: `must be a ${PAGERDUTY_ROUTING_KEY_LENGTH}-character PagerDuty routing key or env:${SECRET_ENV_PREFIX}NAME`,
    });
  }
  if (body.secret?.startsWith('env:') && !SECRET_ENV_REFERENCE.test(body.secret)) {
    ctx.addIssue({
      code: 'custom',
      path: ['secret'],
      message: `must name an environment variable as env:${SECRET_ENV_PREFIX}NAME (capitals, digits, _)`,
    });
  }
}

export const createNotificationChannelSchema = z
  .strictObject({
    kind: z.enum(NOTIFICATION_CHANNEL_KINDS, { message: `must be one of ${NOTIFICATION_CHANNEL_KINDS.join(', ')}` }),
    name: clinicText(100, { min: 1 }),
    /** Escalation levels (by target) this channel pages; default all of them. */
    levels: levels.optional(),
    smtp: smtpSettingsSchema.optional(),
    secret: secret.optional(),
  })
  .superRefine((body, ctx) => kindRules(body.kind, body, ctx, true));
export type CreateNotificationChannelRequest = z.input<typeof createNotificationChannelSchema>;

/** Only the fields given change; `secret` replaces the stored one. */
export const updateNotificationChannelSchema = z.strictObject({
  name: clinicText(100, { min: 1 }).optional(),
  levels: levels.optional(),
  smtp: smtpSettingsSchema.optional(),
  secret: secret.optional(),
});
export type UpdateNotificationChannelRequest = z.input<typeof updateNotificationChannelSchema>;

/** The rules of an update that depend on the channel's kind (the server applies them once it has read the channel). */
export function updateRefusals(
  kind: NotificationChannelKind,
  body: z.output<typeof updateNotificationChannelSchema>,
): { field: string; message: string }[] {
  const issues: { field: string; message: string }[] = [];
  const ctx = {
    addIssue: (issue: { path: string[]; message: string }) => issues.push({ field: issue.path.join('.'), message: issue.message }),
  };
  kindRules(kind, body, ctx as unknown as z.RefinementCtx, false);
  return issues;
}

/** What the API says of a secret: whether one is set and where it lives, never the secret (four characters at most). */
export interface NotificationChannelSecret {
  configured: boolean;
  /** `encrypted`: stored AES-256-GCM encrypted; `environment`: read from `envName` at each delivery. */
  source: 'encrypted' | 'environment' | null;
  lastFour: string | null;
  envName: string | null;
}

export interface NotificationChannel {
  id: string;
  clinicId: string;
  kind: NotificationChannelKind;
  name: string;
  levels: EscalationTarget[];
  smtp: SmtpSettings | null;
  secret: NotificationChannelSecret;
  active: boolean;
  createdAt: string;
  createdByUserId: string | null;
  updatedAt: string;
  disabledAt: string | null;
}
